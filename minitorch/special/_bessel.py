"""torch.special's Bessel functions and their relatives: J₀, J₁, Y₀, Y₁ (bessel_j0, ...), the modified I₀, I₁, K₀, K₁
(modified_bessel_i0, ..., scaled_modified_bessel_k0 and k1: e^x K(x)), spherical_bessel_j0 (sin x / x) and airy_ai;
and, from minitorch/ops/pointwise/bessel.py (where torch.i0 needs them), the differentiable i0e, i1, i1e.

The forward is torch's (aten/src/ATen/native/Math.h, after Cephes): rational approximations and Chebyshev series with
fixed coefficients, split at the same points, the operations in the same order and in the input's own dtype, so that
float32 results are torch's float32 results. Float16 is refused, and integers compute in the default dtype, as
in torch.

torch gives these functions no derivative at all: their outputs never require grad (not even when the input
does), and carry no forward-mode tangent.
"""
import math

import numpy as np

from ..ops.arithmetic import _out
from ..ops.op import Op
from ..ops.pointwise.bessel import (EXP_I1_OVER_X_NEAR, EXP_SQRT_I1_FAR, chbevl, floating, i0_array, i0e, i1, i1e,
                                    tensor_argument)

__all__ = ["airy_ai", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "i0e", "i1", "i1e", "modified_bessel_i0",
           "modified_bessel_i1", "modified_bessel_k0", "modified_bessel_k1", "scaled_modified_bessel_k0",
           "scaled_modified_bessel_k1", "spherical_bessel_j0"]

# -- the coefficient tables (highest order first) --------------------------------------------------------------------
# J₀(x) = (x² - j₀₁²)(x² - j₀₂²) R(x²) on [0, 5], R = numerator/denominator, j₀ₖ its zeros
J0_NEAR_NUMERATOR = (-4.79443220978201773821e+09, 1.95617491946556577543e+12, -2.49248344360967716204e+14,
                     9.70862251047306323952e+15)
J0_NEAR_DENOMINATOR = (4.99563147152651017219e+02, 1.73785401676374683123e+05, 4.84409658339962045305e+07,
                       1.11855537045356834862e+10, 2.11277520115489217587e+12, 3.10518229857422583814e+14,
                       3.18121955943204943306e+16, 1.71086294081043136091e+18)
J0_ZEROS_SQUARED = (5.78318596294678452118e+00, 3.04712623436620863991e+01)
# Beyond 5, J₀ and Y₀ are √(2/(πx)) (P cos ξ ∓ Q sin ξ) with ξ = x - π/4 (J₀), P and Q rational functions of 25/x²
# (Q times 5/x); J₁ and Y₁ the same with ξ = x - 3π/4 and their own P and Q
J0_FAR_P_NUMERATOR = (7.96936729297347051624e-04, 8.28352392107440799803e-02, 1.23953371646414299388e+00,
                      5.44725003058768775090e+00, 8.74716500199817011941e+00, 5.30324038235394892183e+00,
                      9.99999999999999997821e-01)
J0_FAR_P_DENOMINATOR = (9.24408810558863637013e-04, 8.56288474354474431428e-02, 1.25352743901058953537e+00,
                        5.47097740330417105182e+00, 8.76190883237069594232e+00, 5.30605288235394617618e+00,
                        1.00000000000000000218e+00)
J0_FAR_Q_NUMERATOR = (-1.13663838898469149931e-02, -1.28252718670509318512e+00, -1.95539544257735972385e+01,
                      -9.32060152123768231369e+01, -1.77681167980488050595e+02, -1.47077505154951170175e+02,
                      -5.14105326766599330220e+01, -6.05014350600728481186e+00)
J0_FAR_Q_DENOMINATOR = (6.43178256118178023184e+01, 8.56430025976980587198e+02, 3.88240183605401609683e+03,
                        7.24046774195652478189e+03, 5.93072701187316984827e+03, 2.06209331660327847417e+03,
                        2.42005740240291393179e+02)
# J₁(x) = x (x² - j₁₁²)(x² - j₁₂²) R(x²) on [0, 5]
J1_NEAR_NUMERATOR = (-8.99971225705559398224e+08, 4.52228297998194034323e+11, -7.27494245221818276015e+13,
                     3.68295732863852883286e+15)
J1_NEAR_DENOMINATOR = (6.20836478118054335476e+02, 2.56987256757748830383e+05, 8.35146791431949253037e+07,
                       2.21511595479792499675e+10, 4.74914122079991414898e+12, 7.84369607876235854894e+14,
                       8.95222336184627338078e+16, 5.32278620332680085395e+18)
J1_ZEROS_SQUARED = (1.46819706421238932572e+01, 4.92184563216946036703e+01)
J1_FAR_P_NUMERATOR = (7.62125616208173112003e-04, 7.31397056940917570436e-02, 1.12719608129684925192e+00,
                      5.11207951146807644818e+00, 8.42404590141772420927e+00, 5.21451598682361504063e+00,
                      1.00000000000000000254e+00)
J1_FAR_P_DENOMINATOR = (5.71323128072548699714e-04, 6.88455908754495404082e-02, 1.10514232634061696926e+00,
                        5.07386386128601488557e+00, 8.39985554327604159757e+00, 5.20982848682361821619e+00,
                        9.99999999999999997461e-01)
J1_FAR_Q_NUMERATOR = (5.10862594750176621635e-02, 4.98213872951233449420e+00, 7.58238284132545283818e+01,
                      3.66779609360150777800e+02, 7.10856304998926107277e+02, 5.97489612400613639965e+02,
                      2.11688757100572135698e+02, 2.52070205858023719784e+01)
J1_FAR_Q_DENOMINATOR = (7.42373277035675149943e+01, 1.05644886038262816351e+03, 4.98641058337653607651e+03,
                        9.56231892404756170795e+03, 7.99704160447350683650e+03, 2.82619278517639096600e+03,
                        3.36093607810698293419e+02)
# Y₀(x) - (2/π) ln(x) J₀(x) = R(x²) on (0, 5]
Y0_NEAR_NUMERATOR = (1.55924367855235737965e+04, -1.46639295903971606143e+07, 5.43526477051876500413e+09,
                     -9.82136065717911466409e+11, 8.75906394395366999549e+13, -3.46628303384729719441e+15,
                     4.42733268572569800351e+16, -1.84950800436986690637e+16)
Y0_NEAR_DENOMINATOR = (1.04128353664259848412e+03, 6.26107330137134956842e+05, 2.68919633393814121987e+08,
                       8.64002487103935000337e+10, 2.02979612750105546709e+13, 3.17157752842975028269e+15,
                       2.50596256172653059228e+17)
# Y₁(x) - (2/π) (J₁(x) ln x - 1/x) = x R(x²) on (0, 5]
Y1_NEAR_NUMERATOR = (1.26320474790178026440e+09, -6.47355876379160291031e+11, 1.14509511541823727583e+14,
                     -8.12770255501325109621e+15, 2.02439475713594898196e+17, -7.78877196265950026825e+17)
Y1_NEAR_DENOMINATOR = (5.94301592346128195359e+02, 2.35564092943068577943e+05, 7.34811944459721705660e+07,
                       1.87601316108706159478e+10, 3.88231277496238566008e+12, 6.20557727146953693363e+14,
                       6.87141087355300489866e+16, 3.97270608116560655612e+18)
# Chebyshev series: K₀(x) + ln(x/2) I₀(x) in x² - 2 on [0, 2]; e^x √x K₀(x) in 8/x - 2 on [2, ∞)
K0_PLUS_LOG_I0_NEAR = (1.37446543561352307156e-16, 4.25981614279661018399e-14, 1.03496952576338420167e-11,
                       1.90451637722020886025e-09, 2.53479107902614945675e-07, 2.28621210311945178607e-05,
                       1.26461541144692592338e-03, 3.59799365153615016266e-02, 3.44289899924628486886e-01,
                       -5.35327393233902768720e-01)
EXP_SQRT_K0_FAR = (
    5.30043377268626276149e-18, -1.64758043015242134646e-17, 5.21039150503902756861e-17, -1.67823109680541210385e-16,
    5.51205597852431940784e-16, -1.84859337734377901440e-15, 6.34007647740507060557e-15, -2.22751332699166985548e-14,
    8.03289077536357521100e-14, -2.98009692317273043925e-13, 1.14034058820847496303e-12, -4.51459788337394416547e-12,
    1.85594911495471785253e-11, -7.95748924447710747776e-11, 3.57739728140030116597e-10, -1.69753450938905987466e-09,
    8.57403401741422608519e-09, -4.66048989768794782956e-08, 2.76681363944501510342e-07, -1.83175552271911948767e-06,
    1.39498137188764993662e-05, -1.28495495816278026384e-04, 1.56988388573005337491e-03, -3.14481013119645005427e-02,
    2.44030308206595545468e+00)
# x (K₁(x) - ln(x/2) I₁(x)) in x² - 2 on [0, 2]; e^x √x K₁(x) in 8/x - 2 on [2, ∞)
X_K1_MINUS_LOG_I1_NEAR = (-7.02386347938628759343e-18, -2.42744985051936593393e-15, -6.66690169419932900609e-13,
                          -1.41148839263352776110e-10, -2.21338763073472585583e-08, -2.43340614156596823496e-06,
                          -1.73028895751305206302e-04, -6.97572385963986435018e-03, -1.22611180822657148235e-01,
                          -3.53155960776544875667e-01, 1.52530022733894777053e+00)
EXP_SQRT_K1_FAR = (
    -5.75674448366501715755e-18, 1.79405087314755922667e-17, -5.68946255844285935196e-17, 1.83809354436663880070e-16,
    -6.05704724837331885336e-16, 2.03870316562433424052e-15, -7.01983709041831346144e-15, 2.47715442448130437068e-14,
    -8.97670518232499435011e-14, 3.34841966607842919884e-13, -1.28917396095102890680e-12, 5.13963967348173025100e-12,
    -2.12996783842756842877e-11, 9.21831518760500529508e-11, -4.19035475934189648750e-10, 2.01504975519703286596e-09,
    -1.03457624656780970260e-08, 5.74108412545004946722e-08, -3.50196060308781257119e-07, 2.40648494783721712015e-06,
    -1.93619797416608296024e-05, 1.95215518471351631108e-04, -2.85781685962277938680e-03, 1.03923736576817238437e-01,
    2.72062619048444266945e+00)
# Ai(x) for x ≥ 2.09: e^-ζ / (2√π x^¼) N(1/ζ)/D(1/ζ), ζ = (2/3) x^(3/2)
AIRY_FAR_RIGHT_NUMERATOR = (3.46538101525629032477e-01, 1.20075952739645805542e+01, 7.62796053615234516538e+01,
                            1.68089224934630576269e+02, 1.59756391350164413639e+02, 7.05360906840444183113e+01,
                            1.40264691163389668864e+01, 9.99999999999999995305e-01)
AIRY_FAR_RIGHT_DENOMINATOR = (5.67594532638770212846e-01, 1.47562562584847203173e+01, 8.45138970141474626562e+01,
                              1.77318088145400459522e+02, 1.64234692871529701831e+02, 7.14778400825575695274e+01,
                              1.40959135607834029598e+01, 1.00000000000000000470e+00)
# Ai(x) for x < -2.09: (sin θ (1 + z² F) - cos θ z G) / (√π (-x)^¼), θ = ζ + π/4, z = 1/ζ, F and G rational in z²
AIRY_FAR_LEFT_F_NUMERATOR = (-1.31696323418331795333e-01, -6.26456544431912369773e-01, -6.93158036036933542233e-01,
                             -2.79779981545119124951e-01, -4.91900132609500318020e-02, -4.06265923594885404393e-03,
                             -1.59276496239262096340e-04, -2.77649108155232920844e-06, -1.67787698489114633780e-08)
AIRY_FAR_LEFT_F_DENOMINATOR = (1.33560420706553243746e+01, 3.26825032795224613948e+01, 2.67367040941499554804e+01,
                               9.18707402907259625840e+00, 1.47529146771666414581e+00, 1.15687173795188044134e-01,
                               4.40291641615211203805e-03, 7.54720348287414296618e-05, 4.51850092970580378464e-07)
AIRY_FAR_LEFT_G_NUMERATOR = (1.97339932091685679179e-02, 3.91103029615688277255e-01, 1.06579897599595591108e+00,
                             9.39169229816650230044e-01, 3.51465656105547619242e-01, 6.33888919628925490927e-02,
                             5.85804113048388458567e-03, 2.82851600836737019778e-04, 6.98793669997260967291e-06,
                             8.11789239554389293311e-08, 3.41551784765923618484e-10)
AIRY_FAR_LEFT_G_DENOMINATOR = (9.30892908077441974853e+00, 1.98352928718312140417e+01, 1.55646628932864612953e+01,
                               5.47686069422975497931e+00, 9.54293611618961883998e-01, 8.64580826352392193095e-02,
                               4.12656523824222607191e-03, 1.01259085116509135510e-04, 1.17166733214413521882e-06,
                               4.91834570062930015649e-09)
# Ai(0) and -Ai'(0): near 0, Ai(x) = AIRY_AT_0 f(x) - AIRY_SLOPE_AT_0 g(x) with the Maclaurin series f and g
AIRY_AT_0, AIRY_SLOPE_AT_0 = 0.355028053887817239260, 0.258819403792806798405
ONE_OVER_SQRT_PI = 5.64189583547756286948e-01
SQRT_2_OVER_PI = 0.797884560802865355879892119868763737
PI_OVER_4, THREE_PI_OVER_4 = 0.785398163397448309615660845819875721, 2.356194490192344928846982537459627163
TWO_OVER_PI = 0.636619772367581343075535053490057448


# -- the evaluations --------------------------------------------------------------------------------------------------
def _polynomial(y, coefficients):
    """c₀ yⁿ + c₁ yⁿ⁻¹ + ... + cₙ by Horner's rule (from 0, as torch's loops)."""
    p = np.zeros_like(y)
    for c in coefficients:
        p = p * y + c
    return p


def _rational(y, numerator, denominator):
    return _polynomial(y, numerator) / _polynomial(y, denominator)


def _far(x, w, p_tables, q_tables):
    """The amplitudes P and (5/x) Q of J and Y beyond 5, rational in ``w`` (25/x² for order 0, (5/x)² for 1)."""
    return _rational(w, *p_tables), 5 / x * _rational(w, *q_tables)


def _j0(x):
    """J₀(x), even: 1 - x²/4 below 1e-5, the rational form up to 5, the asymptotic form beyond."""
    x = np.abs(x)
    xx = x * x
    near = (xx - J0_ZEROS_SQUARED[0]) * (xx - J0_ZEROS_SQUARED[1]) * _polynomial(xx, J0_NEAR_NUMERATOR) \
        / _polynomial(xx, J0_NEAR_DENOMINATOR)
    p, q = _far(x, 25 / xx, (J0_FAR_P_NUMERATOR, J0_FAR_P_DENOMINATOR), (J0_FAR_Q_NUMERATOR, J0_FAR_Q_DENOMINATOR))
    xi = x - PI_OVER_4
    far = (p * np.cos(xi) - q * np.sin(xi)) * SQRT_2_OVER_PI / np.sqrt(x)
    return np.where(x <= 5, np.where(x < 1e-5, 1 - xx / 4, near), far)


def _j1(x):
    """J₁(x): the rational form up to 5, the asymptotic form beyond."""
    negative = x < 0  # J₁ is odd: J₁(x) = -J₁(-x) (and J₁(-0) = -0)
    x = np.where(negative, -x, x)
    xx = x * x
    near = _rational(xx, J1_NEAR_NUMERATOR, J1_NEAR_DENOMINATOR) * x * (xx - J1_ZEROS_SQUARED[0]) \
        * (xx - J1_ZEROS_SQUARED[1])
    p, q = _far(x, 5 / x * (5 / x), (J1_FAR_P_NUMERATOR, J1_FAR_P_DENOMINATOR),
                (J1_FAR_Q_NUMERATOR, J1_FAR_Q_DENOMINATOR))
    xi = x - THREE_PI_OVER_4
    far = (p * np.cos(xi) - q * np.sin(xi)) * SQRT_2_OVER_PI / np.sqrt(x)
    value = np.where(x <= 5, near, far)
    return np.where(negative, -value, value)


def _y0(x):
    """Y₀(x): -∞ at 0, NaN below; (2/π) ln(x) J₀(x) plus a rational function up to 5, the asymptotic form beyond."""
    xx = x * x
    near = _rational(xx, Y0_NEAR_NUMERATOR, Y0_NEAR_DENOMINATOR) + TWO_OVER_PI * np.log(x) * _j0(x)
    near = np.where(x == 0, -np.inf, np.where(x < 0, np.nan, near))
    p, q = _far(x, 25 / xx, (J0_FAR_P_NUMERATOR, J0_FAR_P_DENOMINATOR), (J0_FAR_Q_NUMERATOR, J0_FAR_Q_DENOMINATOR))
    xi = x - PI_OVER_4
    far = (p * np.sin(xi) + q * np.cos(xi)) * SQRT_2_OVER_PI / np.sqrt(x)
    return np.where(x <= 5, near, far)


def _y1(x):
    """Y₁(x): -∞ at 0, NaN below; up to 5 by its logarithmic and 1/x terms plus x R(x²), the asymptotic form beyond."""
    xx = x * x
    near = x * _rational(xx, Y1_NEAR_NUMERATOR, Y1_NEAR_DENOMINATOR) + TWO_OVER_PI * (_j1(x) * np.log(x) - 1 / x)
    near = np.where(x == 0, -np.inf, np.where(x < 0, np.nan, near))
    p, q = _far(x, 5 / x * (5 / x), (J1_FAR_P_NUMERATOR, J1_FAR_P_DENOMINATOR),
                (J1_FAR_Q_NUMERATOR, J1_FAR_Q_DENOMINATOR))
    xi = x - THREE_PI_OVER_4
    far = (p * np.sin(xi) + q * np.cos(xi)) * SQRT_2_OVER_PI / np.sqrt(x)
    return np.where(x <= 5, near, far)


def _modified_i1(a):
    """torch.special.i1's series, in modified_bessel_i1's order of operations and with its full float32 tables."""
    negative, x = a < 0, np.abs(a)
    near = chbevl(x / 2 - 2, EXP_I1_OVER_X_NEAR) * x * np.exp(x)
    far = np.exp(x) * chbevl(32 / x - 2, EXP_SQRT_I1_FAR) / np.sqrt(x)
    value = np.where(x <= 8, near, far)
    return np.where(negative, -value, value)


def _k_domain(x, value):
    """K₀, K₁ and their scaled forms: +∞ at 0, NaN below."""
    return np.where(x == 0, np.inf, np.where(x < 0, np.nan, value))


def _k0_near(x):
    """K₀ on (0, 2]. torch writes ``std::log(0.5 * x)`` with a double 0.5 here: that term is float64 for float32 x."""
    series = chbevl(x * x - 2, K0_PLUS_LOG_I0_NEAR)
    wide = np.float64
    return (series.astype(wide) - np.log(0.5 * x.astype(wide)) * i0_array(x).astype(wide)).astype(x.dtype)


def _k1_near(x):
    return np.log(0.5 * x) * _modified_i1(x) + chbevl(x * x - 2, X_K1_MINUS_LOG_I1_NEAR) / x


def _k0(x):
    """K₀(x): the series with ln(x/2) I₀(x) up to 2, e^-x/√x times a Chebyshev series beyond."""
    far = np.exp(-x) * chbevl(8 / x - 2, EXP_SQRT_K0_FAR) / np.sqrt(x)
    return _k_domain(x, np.where(x <= 2, _k0_near(x), far))


def _k1(x):
    """K₁(x): the series with ln(x/2) I₁(x) and 1/x up to 2, e^-x/√x times a Chebyshev series beyond."""
    far = np.exp(-x) * chbevl(8 / x - 2, EXP_SQRT_K1_FAR) / np.sqrt(x)
    return _k_domain(x, np.where(x <= 2, _k1_near(x), far))


def _scaled_k0(x):
    """e^x K₀(x): beyond 2, the series without its exponential."""
    near = (chbevl(x * x - 2, K0_PLUS_LOG_I0_NEAR) - np.log(0.5 * x) * i0_array(x)) * np.exp(x)
    return _k_domain(x, np.where(x <= 2, near, chbevl(8 / x - 2, EXP_SQRT_K0_FAR) / np.sqrt(x)))


def _scaled_k1(x):
    """e^x K₁(x)."""
    near = _k1_near(x) * np.exp(x)
    return _k_domain(x, np.where(x <= 2, near, chbevl(8 / x - 2, EXP_SQRT_K1_FAR) / np.sqrt(x)))


def _spherical_j0(x):
    """sin(x)/x, by its Maclaurin series below 0.5 (where the quotient loses digits), 0 at ±∞."""
    xx = x * x
    one = x.dtype.type(1)
    series = one + xx * (-one / 6 + xx * (one / 120 + xx * (-one / 5040 + xx * (one / 362880 + xx * (
        -one / 39916800 + xx * (one / 6227020800))))))
    return np.where(np.isinf(x), 0, np.where(np.abs(x) < 0.5, series, np.sin(x) / x))


def _airy_maclaurin(x):
    """f(x) = 1 + x³/3! + 1·4 x⁶/6! + ... and g(x) = x + 2 x⁴/4! + 2·5 x⁷/7! + ..., summed (each element) until a
    term of f is below the dtype's ε relative to f, as torch does."""
    eps = np.finfo(x.dtype).eps
    f, g, m, n = np.ones_like(x), x.copy(), np.ones_like(x), x.copy()
    z, k = x * x * x, 1.0
    active = np.ones(x.shape, bool)
    while active.any():
        m_next = m * z / (k + 1) / (k + 2)
        n_next = n * z / (k + 2) / (k + 3)
        k += 3
        m, n = np.where(active, m_next, m), np.where(active, n_next, n)
        f, g = np.where(active, f + m, f), np.where(active, g + n, g)
        active &= np.abs(m / f) > eps
    return AIRY_AT_0 * f - AIRY_SLOPE_AT_0 * g


def _airy_far_left(x):
    zeta = -2 * x * np.sqrt(-x) / 3
    z = 1 / zeta
    zz = z * z
    f = zz * _polynomial(zz, AIRY_FAR_LEFT_F_NUMERATOR) / _polynomial(zz, AIRY_FAR_LEFT_F_DENOMINATOR)
    g = z * _polynomial(zz, AIRY_FAR_LEFT_G_NUMERATOR) / _polynomial(zz, AIRY_FAR_LEFT_G_DENOMINATOR)
    theta = zeta + 0.25 * math.pi
    return ONE_OVER_SQRT_PI / np.sqrt(np.sqrt(-x)) * (np.sin(theta) * (1 + f) - np.cos(theta) * g)


def _airy_far_right(x):
    zeta = 2 * x * np.sqrt(x) / 3
    ratio = _rational(1 / zeta, AIRY_FAR_RIGHT_NUMERATOR, AIRY_FAR_RIGHT_DENOMINATOR)
    return ONE_OVER_SQRT_PI * ratio / (2 * np.sqrt(np.sqrt(x)) * np.exp(zeta))


def _airy_ai(x):
    """Ai(x): the asymptotic forms beyond ±2.09, the Maclaurin series between; 0 beyond 103.892, NaN at ±∞."""
    middle = (x >= -2.09) & (x < 2.09)
    near = _airy_maclaurin(np.where(middle, x, 0))
    value = np.where(x < -2.09, _airy_far_left(np.minimum(x, -2.09)), np.where(middle, near, _airy_far_right(x)))
    return np.where(np.isinf(x), np.nan, np.where(x > 103.892, 0, value))


# -- the ops ---------------------------------------------------------------------------------------------------------
class _NoDerivative(Op):
    """z = f(a) elementwise, f being ``function`` (on the floating array torch computes in): no derivative, so the
    output is marked non-differentiable (it does not require grad) and gets no forward-mode tangent."""
    elementwise = True  # (for vmap's batching rule)
    function = None  # the NumPy function of each subclass

    @classmethod
    def forward(cls, ctx, a):
        with np.errstate(all="ignore"):
            x = floating(a, half=False)
            z = cls.function(x).astype(x.dtype, copy=False).reshape(np.shape(a))
        ctx.mark_non_differentiable(z)
        return z

    @staticmethod
    def jvp(ctx, out, tangents, a):
        return None


def _apply(op, name, input, out, argument="input"):
    tensor_argument(name, input, argument)
    if input.dtype.np == np.float16:
        raise NotImplementedError(f"\"{name}_cpu\" not implemented for 'Half'")
    return _out(op.apply(input), out)


# Each op is named as torch's aten op (special_bessel_j0), which the profiler and jit.trace show
# (autograd/op_names.py); its node is never seen, since nothing is recorded.
class SpecialBesselJ0(_NoDerivative):
    """z = J₀(a)."""
    node_name, function = "SpecialBesselJ0Backward0", staticmethod(_j0)


class SpecialBesselJ1(_NoDerivative):
    """z = J₁(a)."""
    node_name, function = "SpecialBesselJ1Backward0", staticmethod(_j1)


class SpecialBesselY0(_NoDerivative):
    """z = Y₀(a)."""
    node_name, function = "SpecialBesselY0Backward0", staticmethod(_y0)


class SpecialBesselY1(_NoDerivative):
    """z = Y₁(a)."""
    node_name, function = "SpecialBesselY1Backward0", staticmethod(_y1)


class SpecialModifiedBesselI0(_NoDerivative):
    """z = I₀(a): torch.i0's values (torch's modified_bessel_i0 is its algorithm written out again), without its
    derivative."""
    node_name, function = "SpecialModifiedBesselI0Backward0", staticmethod(i0_array)


class SpecialModifiedBesselI1(_NoDerivative):
    """z = I₁(a) (torch.special.i1's values, without its derivative)."""
    node_name, function = "SpecialModifiedBesselI1Backward0", staticmethod(_modified_i1)


class SpecialModifiedBesselK0(_NoDerivative):
    """z = K₀(a)."""
    node_name, function = "SpecialModifiedBesselK0Backward0", staticmethod(_k0)


class SpecialModifiedBesselK1(_NoDerivative):
    """z = K₁(a)."""
    node_name, function = "SpecialModifiedBesselK1Backward0", staticmethod(_k1)


class SpecialScaledModifiedBesselK0(_NoDerivative):
    """z = e^a K₀(a)."""
    node_name, function = "SpecialScaledModifiedBesselK0Backward0", staticmethod(_scaled_k0)


class SpecialScaledModifiedBesselK1(_NoDerivative):
    """z = e^a K₁(a)."""
    node_name, function = "SpecialScaledModifiedBesselK1Backward0", staticmethod(_scaled_k1)


class SpecialSphericalBesselJ0(_NoDerivative):
    """z = j₀(a) = sin(a)/a."""
    node_name, function = "SpecialSphericalBesselJ0Backward0", staticmethod(_spherical_j0)


class SpecialAiryAi(_NoDerivative):
    """z = Ai(a)."""
    node_name, function = "SpecialAiryAiBackward0", staticmethod(_airy_ai)


# torch names the argument ``x`` in four of them
def bessel_j0(input, *, out=None):
    return _apply(SpecialBesselJ0, "bessel_j0", input, out)


def bessel_j1(input, *, out=None):
    return _apply(SpecialBesselJ1, "bessel_j1", input, out)


def bessel_y0(input, *, out=None):
    return _apply(SpecialBesselY0, "bessel_y0", input, out)


def bessel_y1(input, *, out=None):
    return _apply(SpecialBesselY1, "bessel_y1", input, out)


def modified_bessel_i0(input, *, out=None):
    return _apply(SpecialModifiedBesselI0, "modified_bessel_i0", input, out)


def modified_bessel_i1(input, *, out=None):
    return _apply(SpecialModifiedBesselI1, "modified_bessel_i1", input, out)


def modified_bessel_k0(input, *, out=None):
    return _apply(SpecialModifiedBesselK0, "modified_bessel_k0", input, out)


def modified_bessel_k1(input, *, out=None):
    return _apply(SpecialModifiedBesselK1, "modified_bessel_k1", input, out)


def scaled_modified_bessel_k0(x, *, out=None):
    return _apply(SpecialScaledModifiedBesselK0, "scaled_modified_bessel_k0", x, out, argument="x")


def scaled_modified_bessel_k1(x, *, out=None):
    return _apply(SpecialScaledModifiedBesselK1, "scaled_modified_bessel_k1", x, out, argument="x")


def spherical_bessel_j0(x, *, out=None):
    return _apply(SpecialSphericalBesselJ0, "spherical_bessel_j0", x, out, argument="x")


def airy_ai(x, *, out=None):
    return _apply(SpecialAiryAi, "airy_ai", x, out, argument="x")
