"""The reference: real PyTorch next to minitorch. ``python -m reference`` compares the examples in both engines;
``reference.interop`` moves weights between them."""
