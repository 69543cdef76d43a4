"""Model ensembling (PyTorch's "Model ensembling" tutorial): the predictions of several models of the same
architecture, first one model at a time in a loop, then all at once with ``vmap`` over their stacked weights.

    python -m examples.model_ensembling                  # minitorch
    python -m examples.model_ensembling --engine torch   # real PyTorch

``stack_module_state(models)`` stacks each parameter (and buffer) of the models along a new first dimension,
so ``fc1.weight``, ``(128, 784)`` in each model, becomes one ``(num_models, 128, 784)`` tensor. The ensemble is
then one function, ``fmodel(params, buffers, x)`` - a model called with given weights by ``functional_call`` -
mapped by ``vmap`` over the models: with ``in_dims=(0, 0, 0)`` (vmap's default) each model gets its own
minibatch, with ``in_dims=(0, 0, None)`` all models share one. Both agree with the loop.

Where it differs from the tutorial: the tutorial moves the copy of the model that ``fmodel`` calls to the
``'meta'`` device (parameters without storage: ``functional_call`` swaps in the stacked ones anyway);
minitorch has no meta device, so here the copy keeps its weights, unused. The tutorial's closing timing
(``torch.utils.benchmark``) is left out: the report compares the two engines' printed lines, and timings
differ from run to run (benchmarks/ is where speed is measured).
"""
import copy
from importlib import import_module

from ._engine import select_engine


def main(argv=None):
    engine = select_engine(argv)
    torch, nn, F = engine.torch, engine.nn, engine.F
    func = import_module(f"{engine.name}.func")

    class SimpleMLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(784, 128)
            self.fc2 = nn.Linear(128, 128)
            self.fc3 = nn.Linear(128, 10)

        def forward(self, x):
            x = x.flatten(1)
            x = F.relu(self.fc1(x))
            x = F.relu(self.fc2(x))
            return self.fc3(x)

    # Dummy MNIST-shaped data: one minibatch of images per model
    num_models, batch_size = (3, 8) if engine.quick else (10, 64)
    data = engine.randn(num_models, batch_size, 1, 28, 28)
    models = [engine.same_weights(SimpleMLP().to(engine.device), f"mlp{i}") for i in range(num_models)]
    print(models[0])

    # The loop: each model on its own minibatch, or every model on the same one
    minibatches = data[:num_models]
    predictions_diff_minibatch_loop = [model(minibatch) for model, minibatch in zip(models, minibatches)]
    minibatch = data[0]
    predictions2 = [model(minibatch) for model in models]

    # The models' weights stacked: a leading dimension of num_models on each
    params, buffers = func.stack_module_state(models)
    print("stacked parameters:", {name: tuple(p.shape) for name, p in params.items()})
    print("leading dimension of each:", [p.size(0) for p in params.values()], "buffers:", len(buffers))
    print("the stacks are new leaves that require grad:",
          all(p.is_leaf and p.requires_grad for p in params.values()))

    base_model = copy.deepcopy(models[0])  # the architecture; functional_call swaps in the stacked weights

    def fmodel(params, buffers, x):
        return func.functional_call(base_model, (params, buffers), (x,))

    # A different minibatch for each model: everything mapped over its first dimension (in_dims=0)
    assert minibatches.shape == (num_models, batch_size, 1, 28, 28)
    predictions1_vmap = func.vmap(fmodel)(params, buffers, minibatches)
    print("vmap, a minibatch per model:", tuple(predictions1_vmap.shape), "equal to the loop's:",
          torch.allclose(predictions1_vmap, torch.stack(predictions_diff_minibatch_loop), atol=1e-3, rtol=1e-5))
    engine.record("predictions, a minibatch per model", predictions1_vmap, rtol=1e-4, atol=1e-5)

    # The same minibatch for all: in_dims=None leaves x unmapped
    predictions2_vmap = func.vmap(fmodel, in_dims=(0, 0, None))(params, buffers, minibatch)
    print("vmap, one minibatch for all (in_dims=(0, 0, None)):", tuple(predictions2_vmap.shape),
          "equal to the loop's:", torch.allclose(predictions2_vmap, torch.stack(predictions2), atol=1e-3, rtol=1e-5))
    engine.record("predictions, one minibatch for all", predictions2_vmap, rtol=1e-4, atol=1e-5)


if __name__ == "__main__":
    main()
