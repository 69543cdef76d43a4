"""The layers of torch.nn, one file per family."""
from .module import Module
from .container import Sequential, ModuleList, ModuleDict, ParameterList
from .linear import Identity, Linear
from .flatten import Flatten, Unflatten
from .activation import (ReLU, LeakyReLU, Hardtanh, ReLU6, Sigmoid, Tanh, LogSigmoid, ELU, SELU, GELU, SiLU,
                         Softplus, Softmax, Softmin, LogSoftmax)
from .loss import MSELoss, L1Loss, NLLLoss, CrossEntropyLoss, BCELoss, BCEWithLogitsLoss

__all__ = ["Module", "Sequential", "ModuleList", "ModuleDict", "ParameterList", "Identity", "Linear", "Flatten",
           "Unflatten", "ReLU", "LeakyReLU", "Hardtanh", "ReLU6", "Sigmoid", "Tanh", "LogSigmoid", "ELU", "SELU",
           "GELU", "SiLU", "Softplus", "Softmax", "Softmin", "LogSoftmax", "MSELoss", "L1Loss", "NLLLoss",
           "CrossEntropyLoss", "BCELoss", "BCEWithLogitsLoss"]
