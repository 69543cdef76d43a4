"""``python -m minitorch.utils.bottleneck script.py [args]``: a first look at where a script spends its time
(as torch.utils.bottleneck): see ``__main__.py``."""
