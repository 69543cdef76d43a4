"""The layers of torch.nn, one file per family."""
from .module import Module
from .container import Sequential, ModuleList, ModuleDict, ParameterList
from .linear import Identity, Linear, Bilinear
from .flatten import Flatten, Unflatten
from .activation import (ReLU, LeakyReLU, Hardtanh, ReLU6, Sigmoid, Tanh, LogSigmoid, Softshrink, Softsign,
                         Tanhshrink, ELU, SELU, GELU, SiLU, Softplus, Softmax, Softmin, LogSoftmax, Threshold, RReLU,
                         Hardsigmoid, Hardswish, Mish, CELU, GLU, Hardshrink, PReLU)
from .loss import (MSELoss, L1Loss, NLLLoss, CrossEntropyLoss, BCELoss, BCEWithLogitsLoss, HuberLoss, SmoothL1Loss,
                   KLDivLoss, PoissonNLLLoss, GaussianNLLLoss, MarginRankingLoss, HingeEmbeddingLoss,
                   CosineEmbeddingLoss, SoftMarginLoss, MultiLabelSoftMarginLoss, MultiLabelMarginLoss, MultiMarginLoss,
                   TripletMarginLoss, TripletMarginWithDistanceLoss, CTCLoss)
from .conv import Conv2d
# convolution in any number of spatial dims, and its adjoint
from .conv import Conv1d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
# pooling, 1-d to 3-d (and BatchNorm3d)
from .pooling import (MaxPool1d, MaxPool2d, MaxPool3d, AvgPool1d, AvgPool2d, AvgPool3d, LPPool1d, LPPool2d, LPPool3d,
                      AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveAvgPool3d, AdaptiveMaxPool1d, AdaptiveMaxPool2d,
                      AdaptiveMaxPool3d, FractionalMaxPool2d, FractionalMaxPool3d, MaxUnpool1d, MaxUnpool2d,
                      MaxUnpool3d)
from .batchnorm import BatchNorm1d, BatchNorm2d, BatchNorm3d
from .dropout import Dropout, Dropout1d, Dropout2d, Dropout3d, AlphaDropout, FeatureAlphaDropout
from .normalization import LayerNorm, GroupNorm, RMSNorm, LocalResponseNorm
from .instancenorm import InstanceNorm1d, InstanceNorm2d, InstanceNorm3d
from .distance import PairwiseDistance, CosineSimilarity
from .pixelshuffle import PixelShuffle, PixelUnshuffle, ChannelShuffle
from .sparse import Embedding
from .rnn import RNNBase, RNN, LSTM, GRU, RNNCellBase, RNNCell, LSTMCell, GRUCell
from .padding import (ZeroPad1d, ZeroPad2d, ZeroPad3d, ConstantPad1d, ConstantPad2d, ConstantPad3d, ReflectionPad1d,
                      ReflectionPad2d, ReflectionPad3d, ReplicationPad1d, ReplicationPad2d, ReplicationPad3d,
                      CircularPad1d, CircularPad2d, CircularPad3d)
# attention family
from .sparse import EmbeddingBag
from .attention import MultiheadAttention
from .transformer import (Transformer, TransformerEncoder, TransformerDecoder, TransformerEncoderLayer,
                          TransformerDecoderLayer)
# -- resampling
from .upsampling import Upsample, UpsamplingNearest2d, UpsamplingBilinear2d

__all__ = ["Module", "Sequential", "ModuleList", "ModuleDict", "ParameterList", "Identity", "Linear", "Flatten",
           "Unflatten", "ReLU", "LeakyReLU", "Hardtanh", "ReLU6", "Sigmoid", "Tanh", "LogSigmoid", "Softshrink",
           "Softsign", "Tanhshrink", "ELU", "SELU",
           "GELU", "SiLU", "Softplus", "Softmax", "Softmin", "LogSoftmax", "MSELoss", "L1Loss", "NLLLoss",
           "CrossEntropyLoss", "BCELoss", "BCEWithLogitsLoss", "HuberLoss", "SmoothL1Loss", "KLDivLoss", "PoissonNLLLoss",
           "GaussianNLLLoss", "MarginRankingLoss", "HingeEmbeddingLoss", "CosineEmbeddingLoss", "SoftMarginLoss",
           "MultiLabelSoftMarginLoss", "MultiLabelMarginLoss", "MultiMarginLoss", "TripletMarginLoss",
           "TripletMarginWithDistanceLoss", "CTCLoss", "Conv2d", "MaxPool2d", "AvgPool2d",
           "AdaptiveAvgPool2d", "AdaptiveMaxPool2d", "BatchNorm1d", "BatchNorm2d", "Dropout", "Dropout2d",
           "Embedding", "RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell", "ZeroPad1d", "ZeroPad2d", "ZeroPad3d", "ConstantPad1d", "ConstantPad2d", "ConstantPad3d",
           "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d", "ReplicationPad1d", "ReplicationPad2d",
           "ReplicationPad3d", "CircularPad1d", "CircularPad2d", "CircularPad3d", "Bilinear", "Threshold", "RReLU",
           "Hardsigmoid", "Hardswish", "Mish", "CELU", "GLU", "Hardshrink", "PReLU", "Dropout1d", "Dropout3d",
           "AlphaDropout", "FeatureAlphaDropout", "LayerNorm", "GroupNorm", "RMSNorm", "LocalResponseNorm",
           "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "PairwiseDistance", "CosineSimilarity",
           "PixelShuffle", "PixelUnshuffle", "ChannelShuffle",
           # pooling, 1-d to 3-d (and BatchNorm3d)
           "MaxPool1d", "MaxPool3d", "AvgPool1d", "AvgPool3d", "LPPool1d", "LPPool2d", "LPPool3d", "AdaptiveAvgPool1d",
           "AdaptiveAvgPool3d", "AdaptiveMaxPool1d", "AdaptiveMaxPool3d", "FractionalMaxPool2d", "FractionalMaxPool3d",
           "MaxUnpool1d", "MaxUnpool2d", "MaxUnpool3d", "BatchNorm3d"]
# convolution in any number of spatial dims, and its adjoint
__all__ += ["Conv1d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d"]
# attention family
__all__ += ["EmbeddingBag", "MultiheadAttention", "Transformer", "TransformerEncoder", "TransformerDecoder",
            "TransformerEncoderLayer", "TransformerDecoderLayer"]
# resampling
__all__ += ["Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d"]
