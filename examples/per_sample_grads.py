"""Per-sample gradients (PyTorch's "Per-sample-gradients" tutorial): the gradient of the loss of each sample of
a batch, for each of a model's parameters - first one sample at a time with autograd, then with
``vmap(grad(compute_loss))`` over the batch, the model as a function of its parameters by ``functional_call``.

    python -m examples.per_sample_grads                  # minitorch
    python -m examples.per_sample_grads --engine torch   # real PyTorch

``grad(compute_loss)`` differentiates one sample's loss with respect to the parameters; ``vmap`` runs it over
the batch with ``in_dims=(None, None, 0, 0)``: the parameters and buffers are shared (not mapped), the data and
targets mapped over their first dimension. So every parameter gets one gradient per sample, shaped
``(batch,) + parameter.shape``. (minitorch, like torch, runs the grad once on the whole batch: the parameters
expanded to one copy per sample, one backward pass - see docs/func.md.)
"""
from ._engine import select_engine


def main(argv=None):
    engine = select_engine(argv)
    torch = engine.torch
    nn, F = engine.nn, engine.F
    from importlib import import_module
    func = import_module(f"{engine.name}.func")

    class SimpleCNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 32, 3, 1)
            self.conv2 = nn.Conv2d(32, 64, 3, 1)
            self.fc1 = nn.Linear(9216, 128)
            self.fc2 = nn.Linear(128, 10)

        def forward(self, x):
            x = F.relu(self.conv1(x))
            x = F.relu(self.conv2(x))
            x = F.max_pool2d(x, 2)
            x = torch.flatten(x, 1)
            x = F.relu(self.fc1(x))
            x = self.fc2(x)
            return F.log_softmax(x, dim=1)

    def loss_fn(predictions, targets):
        return F.nll_loss(predictions, targets)

    batch_size = 4 if engine.quick else 16
    data = engine.randn(batch_size, 1, 28, 28)
    targets = torch.tensor((engine.rand(batch_size) * 10).long().tolist(), device=engine.device)
    model = engine.same_weights(SimpleCNN().to(engine.device), "simple_cnn")
    print(model)

    # One sample at a time: a batch of one through the model, autograd.grad over its parameters
    def compute_grad(sample, target):
        prediction = model(sample.unsqueeze(0))
        loss = loss_fn(prediction, target.unsqueeze(0))
        return torch.autograd.grad(loss, list(model.parameters()))

    per_sample_grads = [compute_grad(data[i], targets[i]) for i in range(batch_size)]
    per_sample_grads = [torch.stack(shards) for shards in zip(*per_sample_grads)]

    # The function transforms: the model as a function of its parameters, grad of one sample's loss, vmap
    params = {k: v.detach() for k, v in model.named_parameters()}
    buffers = {k: v.detach() for k, v in model.named_buffers()}

    def compute_loss(params, buffers, sample, target):
        predictions = func.functional_call(model, (params, buffers), (sample.unsqueeze(0),))
        return loss_fn(predictions, target.unsqueeze(0))

    ft_compute_sample_grad = func.vmap(func.grad(compute_loss), in_dims=(None, None, 0, 0))
    ft_per_sample_grads = ft_compute_sample_grad(params, buffers, data, targets)
    for (name, ft), loop in zip(ft_per_sample_grads.items(), per_sample_grads):
        print(f"{name}: per-sample gradients {tuple(ft.shape)}, equal to the loop's: "
              f"{torch.allclose(loop, ft, atol=3e-3, rtol=1e-5)}")
        engine.record(f"per-sample gradient of {name}", ft, rtol=1e-3, atol=1e-5)


if __name__ == "__main__":
    main()
