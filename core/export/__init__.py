"""Take the model anywhere: a checkpoint as our own folder, as a transformers (GPT-2) folder, or as
an ONNX decoder graph — and a GPT-2-shaped transformers folder back into a checkpoint."""
