"""Azure components: Data Factory pipelines that run Azure Machine Learning batch endpoints on a
schedule trigger that is really started, or Azure ML's own schedules."""
