"""torch.nn.functional: the layers' computations as plain functions (``F.relu(x)``, ``F.cross_entropy``)."""
from .linear import linear, bilinear
from .activation import (relu, relu_, sigmoid, tanh, leaky_relu, leaky_relu_, hardtanh, hardtanh_, relu6, elu,
                         elu_, selu, gelu, silu, softplus, logsigmoid, softshrink, softsign, tanhshrink, softmax,
                         softmin, log_softmax, hardshrink, threshold, threshold_, hardsigmoid, hardswish, mish, celu,
                         celu_, glu, prelu, rrelu, rrelu_)
from .loss import (mse_loss, l1_loss, nll_loss, cross_entropy, binary_cross_entropy,
                   binary_cross_entropy_with_logits, huber_loss, smooth_l1_loss)
from .likelihood import kl_div, poisson_nll_loss, gaussian_nll_loss
from .margin import (margin_ranking_loss, hinge_embedding_loss, cosine_embedding_loss, soft_margin_loss,
                     multilabel_soft_margin_loss, multi_margin_loss, multilabel_margin_loss, triplet_margin_loss,
                     triplet_margin_with_distance_loss)
from .ctc import ctc_loss
from .conv import conv2d, unfold, fold
# convolution in any number of spatial dims, and its adjoint
from .conv import conv1d, conv3d, conv_transpose1d, conv_transpose2d, conv_transpose3d
# pooling, 1-d to 3-d
from .pooling import (max_pool1d, max_pool2d, max_pool3d, max_pool1d_with_indices, max_pool2d_with_indices,
                      max_pool3d_with_indices, avg_pool1d, avg_pool2d, avg_pool3d, lp_pool1d, lp_pool2d, lp_pool3d)
from .pooling_adaptive import (adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d, adaptive_max_pool1d,
                               adaptive_max_pool2d, adaptive_max_pool3d, adaptive_max_pool1d_with_indices,
                               adaptive_max_pool2d_with_indices, adaptive_max_pool3d_with_indices,
                               fractional_max_pool2d, fractional_max_pool3d, fractional_max_pool2d_with_indices,
                               fractional_max_pool3d_with_indices)
from .unpooling import max_unpool1d, max_unpool2d, max_unpool3d
from .normalization import (batch_norm, layer_norm, group_norm, instance_norm, rms_norm, local_response_norm,
                            normalize)
from .dropout import dropout, dropout1d, dropout2d, dropout3d, alpha_dropout, feature_alpha_dropout
from .sparse import embedding, one_hot
from .padding import pad
from .distance import cosine_similarity, pairwise_distance, pdist
from .pixelshuffle import pixel_shuffle, pixel_unshuffle, channel_shuffle
# attention family (scaled dot-product and multi-head attention, embedding_bag)
from .attention import scaled_dot_product_attention
from .embedding_bag import embedding_bag
from .multihead import multi_head_attention_forward
# -- resampling: interpolate and the deprecated upsample* (interpolate.py), grid_sample and affine_grid (grid.py)
from .interpolate import interpolate, upsample, upsample_nearest, upsample_bilinear
from .grid import grid_sample, affine_grid
# -- the remaining OpInfo ops (native lane): linear + cross_entropy in one call, and its chunked path
from .linear_cross_entropy import linear_cross_entropy
