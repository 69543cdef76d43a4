from .vmap import vmap
