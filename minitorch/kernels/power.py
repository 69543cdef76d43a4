"""``a ** p`` for a float array and a small whole exponent, for ``Pow`` in ops/arithmetic.py.

Plain: NumPy's ``a ** p``, which calls the C library's ``pow`` on each element, unvectorised (about 10 ns a
value; NumPy takes a fast path of its own only for p = 2, 1/2 and -1).
Fast: products. For p = 3 this is what torch's CPU kernel computes (``base * base * base``); up to p = 8
by repeated squaring (x⁵ = x⁴·x with x⁴ = (x²)²): at most 5 multiplications, each rounding once, so within
a few ulps of ``pow``, and 10x faster on 2,000 float32 values. Overflow and underflow happen where ``pow``'s
do: for |x| > 1 every partial power is below the result, for |x| < 1 above it.
"""

FAST_EXPONENTS = (3, 4, 5, 6, 7, 8)  # 2 is NumPy's own fast square; larger ones lose more ulps


def int_power_plain(a, p):
    """a ** p, elementwise, by the C library's pow."""
    return a ** p


def int_power_fast(a, p):
    """a ** p for p in FAST_EXPONENTS (a whole number) by squaring: the bits of p pick the powers x, x², x⁴
    that are multiplied together."""
    p = int(p)
    result, square = None, a
    while True:
        if p & 1:
            result = square if result is None else result * square
        p >>= 1
        if not p:
            return result
        square = square * square
