"""Google Cloud components: Vertex AI pipelines and Dataflow Data Pipelines on a schedule."""
