"""AWS components: SageMaker pipelines started by EventBridge Scheduler or rules."""
