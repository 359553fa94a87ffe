"""The pipeline on this machine: the SAM template and the state machine definition, run on moto in-process,
with the Lambda handlers called in this process and the itslearning stand-in as the ENT (never in the layer)."""

from local_stack.stack import LocalStack, StackOptions

__all__ = ["LocalStack", "StackOptions"]
