"""Default training program of the GPU training orchestrator: a torchvision ResNet image classifier
that follows the SageMaker training-container contract (see container/README.md)."""
