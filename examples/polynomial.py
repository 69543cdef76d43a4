"""PyTorch's "Learning PyTorch with Examples": a third-order polynomial fitted to sin(x) on [-pi, pi], eight
times, each part using one more of PyTorch's tools than the one before:

1. NumPy alone (forward, hand-written gradients, update);
2. tensors in place of arrays (still hand-written gradients);
3. autograd: ``requires_grad=True`` and ``loss.backward()`` (on the default device, ``set_default_device``);
4. a custom ``autograd.Function``: y = a + b P3(c + d x), with Legendre's P3(x) = (5x^3 - 3x)/2;
5. ``nn``: ``Sequential(Linear(3, 1), Flatten(0, 1))`` on the features (x, x^2, x^3), ``MSELoss(reduction='sum')``;
6. ``optim``: the same model trained by ``RMSprop``;
7. a custom ``nn.Module`` (``Polynomial3``) trained by ``SGD``;
8. the dynamic net: each forward pass draws 4 or 5 as the degree, and the coefficient ``e`` is shared by
   the 4th and 5th powers (control flow and weight sharing), trained by ``SGD`` with momentum.

    python -m examples.polynomial                  # minitorch
    python -m examples.polynomial --engine torch   # real PyTorch
    python -m examples.polynomial --quick          # 500 steps per part, in float64

The tutorial draws its starting coefficients with ``np.random.randn``/``torch.randn``; here they come from
``engine.randn`` (the same numbers in both engines), the ``nn`` parts start from torch's initial weights
(``engine.same_weights``), and the dynamic net's degree from Python's ``random``, seeded: so both engines
train the same models on the same data and print the same losses.

The tutorial prints each loss as Python's full ``repr`` of a float (``print(t, loss.item())``): 9 to 17
digits, more than two engines' sums agree on. NumPy and torch add up the 2,000 terms in different orders,
so printed numbers are compared within a tolerance (≈): 1e-9 relative in ``--quick``'s float64, 5e-3 in
the tutorial's float32 over 2,000 (dynamic net: 30,000) steps. Measured in a full run: the coefficients
agree to 1e-8, except RMSprop's. Near its minimum RMSprop divides a gradient that is mostly rounding by
its own running size, so each float32 step is about lr = 1e-3 in a direction the last bits decide: its
weights end within 1e-4 of each other and its losses drift up to 1e-3 relative on the way.
"""
import math
import random

import numpy as np

from ._engine import select_engine


def report(t, every, loss):
    """The tutorial's progress line: the step and the loss, every ``every`` steps."""
    if t % every == every - 1:
        print(t, loss)


def main(argv=None):
    engine = select_engine(argv)
    torch, nn, device = engine.torch, engine.nn, engine.device
    steps, every = (500, 100) if engine.quick else (2000, 100)
    # The tutorial's float32 (torch.float); --quick trains in float64, where the engines agree to ~1e-13
    dtype = torch.float64 if engine.quick else torch.float
    np_dtype = np.float64 if engine.quick else np.float32
    engine.tolerate("", 1e-9 if engine.quick else 5e-3, 1e-9 if engine.quick else 1e-4)
    tol = dict(rtol=1e-9, atol=1e-12) if engine.quick else dict(rtol=1e-3, atol=1e-5)

    def randn_scalar():
        """A 0-d random start value, the same in both engines (the tutorial: torch.randn(()))."""
        return engine.randn().to(dtype)

    print("--- 1. Warm-up: NumPy ---")
    x = np.linspace(-math.pi, math.pi, 2000, dtype=np_dtype)
    y = np.sin(x)
    # the same start as the tensor parts (the tutorial: np.random.randn())
    a, b, c, d = (randn_scalar().item() for _ in range(4))
    learning_rate = 1e-6
    for t in range(steps):
        # Forward pass: compute predicted y
        y_pred = a + b * x + c * x ** 2 + d * x ** 3
        # Compute and print loss
        loss = np.square(y_pred - y).sum()
        report(t, every, loss)
        # Backprop to compute gradients of a, b, c, d with respect to loss
        grad_y_pred = 2.0 * (y_pred - y)
        grad_a = grad_y_pred.sum()
        grad_b = (grad_y_pred * x).sum()
        grad_c = (grad_y_pred * x ** 2).sum()
        grad_d = (grad_y_pred * x ** 3).sum()
        # Update weights
        a -= learning_rate * grad_a
        b -= learning_rate * grad_b
        c -= learning_rate * grad_c
        d -= learning_rate * grad_d
    print(f'Result: y = {a} + {b} x + {c} x^2 + {d} x^3')

    print("--- 2. PyTorch: Tensors ---")
    x = torch.linspace(-math.pi, math.pi, 2000, device=device, dtype=dtype)
    y = torch.sin(x)
    a, b, c, d = (randn_scalar() for _ in range(4))
    learning_rate = 1e-6
    for t in range(steps):
        y_pred = a + b * x + c * x ** 2 + d * x ** 3
        loss = (y_pred - y).pow(2).sum().item()
        report(t, every, loss)
        # the gradients by hand, as with NumPy
        grad_y_pred = 2.0 * (y_pred - y)
        grad_a = grad_y_pred.sum()
        grad_b = (grad_y_pred * x).sum()
        grad_c = (grad_y_pred * x ** 2).sum()
        grad_d = (grad_y_pred * x ** 3).sum()
        a -= learning_rate * grad_a
        b -= learning_rate * grad_b
        c -= learning_rate * grad_c
        d -= learning_rate * grad_d
    print(f'Result: y = {a.item()} + {b.item()} x + {c.item()} x^2 + {d.item()} x^3')
    engine.record("tensors: a, b, c, d", [a.item(), b.item(), c.item(), d.item()], **tol)

    print("--- 3. PyTorch: Tensors and autograd ---")
    # The tutorial makes every new tensor land on the chosen device by default
    torch.set_default_device(device)
    x = torch.linspace(-math.pi, math.pi, 2000, dtype=dtype)
    y = torch.sin(x)
    # requires_grad=True: autograd computes the gradients of the loss with respect to them
    a, b, c, d = (randn_scalar().requires_grad_() for _ in range(4))
    learning_rate = 1e-6
    for t in range(steps):
        y_pred = a + b * x + c * x ** 2 + d * x ** 3
        loss = (y_pred - y).pow(2).sum()
        report(t, every, loss.item())
        # fills a.grad, b.grad, c.grad, d.grad
        loss.backward()
        # the update must not be recorded: no_grad
        with torch.no_grad():
            a -= learning_rate * a.grad
            b -= learning_rate * b.grad
            c -= learning_rate * c.grad
            d -= learning_rate * d.grad
            # zero the gradients after updating (backward adds to .grad)
            a.grad = None
            b.grad = None
            c.grad = None
            d.grad = None
    print(f'Result: y = {a.item()} + {b.item()} x + {c.item()} x^2 + {d.item()} x^3')
    engine.record("autograd: a, b, c, d", [a.item(), b.item(), c.item(), d.item()], **tol)
    engine.record_graph("autograd: loss graph", loss)

    print("--- 4. PyTorch: Defining new autograd Functions ---")

    class LegendrePolynomial3(torch.autograd.Function):
        """Legendre's polynomial of degree 3 as an autograd Function: forward computes P3, backward its
        derivative P3'(x) = 3/2 (5x^2 - 1) times the incoming gradient."""

        @staticmethod
        def forward(ctx, input):
            # ctx keeps what backward needs: here the input
            ctx.save_for_backward(input)
            return 0.5 * (5 * input ** 3 - 3 * input)

        @staticmethod
        def backward(ctx, grad_output):
            input, = ctx.saved_tensors
            return grad_output * 1.5 * (5 * input ** 2 - 1)

    x = torch.linspace(-math.pi, math.pi, 2000, device=device, dtype=dtype)
    y = torch.sin(x)
    # The tutorial's start: not too far from the answer, so that the fit converges
    a = torch.full((), 0.0, device=device, dtype=dtype, requires_grad=True)
    b = torch.full((), -1.0, device=device, dtype=dtype, requires_grad=True)
    c = torch.full((), 0.0, device=device, dtype=dtype, requires_grad=True)
    d = torch.full((), 0.3, device=device, dtype=dtype, requires_grad=True)
    learning_rate = 5e-6
    for t in range(steps):
        # apply, not forward: apply records the Function in the graph
        P3 = LegendrePolynomial3.apply
        y_pred = a + b * P3(c + d * x)
        loss = (y_pred - y).pow(2).sum()
        report(t, every, loss.item())
        loss.backward()
        with torch.no_grad():
            a -= learning_rate * a.grad
            b -= learning_rate * b.grad
            c -= learning_rate * c.grad
            d -= learning_rate * d.grad
            a.grad = None
            b.grad = None
            c.grad = None
            d.grad = None
    print(f'Result: y = {a.item()} + {b.item()} * P3({c.item()} + {d.item()} x)')
    engine.record("custom Function: a, b, c, d", [a.item(), b.item(), c.item(), d.item()], **tol)
    engine.record_graph("custom Function: loss graph", loss)

    print("--- 5. PyTorch: nn ---")
    x = torch.linspace(-math.pi, math.pi, 2000, device=device, dtype=dtype)
    y = torch.sin(x)
    # y is linear in (x, x^2, x^3): those are the features of a linear layer
    p = torch.tensor([1, 2, 3], device=device)
    xx = x.unsqueeze(-1).pow(p)
    print(xx.shape)
    # Flatten(0, 1) turns the (2000, 1) output into the shape of y, (2000,)
    model = torch.nn.Sequential(
        torch.nn.Linear(3, 1),
        torch.nn.Flatten(0, 1)
    )
    model = engine.same_weights(model, "polynomial_nn").to(device, dtype)
    print(model)
    loss_fn = torch.nn.MSELoss(reduction='sum')
    learning_rate = 1e-6
    for t in range(steps):
        y_pred = model(xx)
        loss = loss_fn(y_pred, y)
        report(t, every, loss.item())
        model.zero_grad()
        loss.backward()
        with torch.no_grad():
            for param in model.parameters():
                param -= learning_rate * param.grad
    # the first layer of the model, as from a list
    linear_layer = model[0]
    print(f'Result: y = {linear_layer.bias.item()} + {linear_layer.weight[:, 0].item()} x + '
          f'{linear_layer.weight[:, 1].item()} x^2 + {linear_layer.weight[:, 2].item()} x^3')
    engine.record("nn: weight", linear_layer.weight, **tol)
    engine.record("nn: bias", linear_layer.bias, **tol)

    print("--- 6. PyTorch: optim ---")
    model = torch.nn.Sequential(
        torch.nn.Linear(3, 1),
        torch.nn.Flatten(0, 1)
    )
    model = engine.same_weights(model, "polynomial_optim").to(device, dtype)
    loss_fn = torch.nn.MSELoss(reduction='sum')
    # RMSprop adapts each parameter's step; it wants a larger learning rate than plain SGD
    learning_rate = 1e-3
    optimizer = torch.optim.RMSprop(model.parameters(), lr=learning_rate)
    print(optimizer)
    for t in range(steps):
        y_pred = model(xx)
        loss = loss_fn(y_pred, y)
        report(t, every, loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    linear_layer = model[0]
    print(f'Result: y = {linear_layer.bias.item()} + {linear_layer.weight[:, 0].item()} x + '
          f'{linear_layer.weight[:, 1].item()} x^2 + {linear_layer.weight[:, 2].item()} x^3')
    # float32 RMSprop ends in lr-sized steps that rounding steers (the docstring): within lr of each other
    rms_tol = tol if engine.quick else dict(rtol=0, atol=learning_rate)
    engine.record("optim (RMSprop): weight", linear_layer.weight, **rms_tol)
    engine.record("optim (RMSprop): bias", linear_layer.bias, **rms_tol)

    print("--- 7. PyTorch: Custom nn Modules ---")

    class Polynomial3(torch.nn.Module):
        def __init__(self):
            """Four parameters; the tutorial draws them with torch.randn(())."""
            super().__init__()
            self.a = torch.nn.Parameter(randn_scalar())
            self.b = torch.nn.Parameter(randn_scalar())
            self.c = torch.nn.Parameter(randn_scalar())
            self.d = torch.nn.Parameter(randn_scalar())

        def forward(self, x):
            return self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3

        def string(self):
            """Like any Python class, a Module can have methods of its own."""
            return f'y = {self.a.item()} + {self.b.item()} x + {self.c.item()} x^2 + {self.d.item()} x^3'

    model = Polynomial3()
    print(list(name for name, _ in model.named_parameters()))
    criterion = torch.nn.MSELoss(reduction='sum')
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-6)
    for t in range(steps):
        y_pred = model(x)
        loss = criterion(y_pred, y)
        report(t, every, loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print(f'Result: {model.string()}')
    engine.record("custom Module: a, b, c, d", [p.item() for p in model.parameters()], **tol)

    print("--- 8. PyTorch: Control Flow + Weight Sharing ---")

    class DynamicNet(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.a = torch.nn.Parameter(randn_scalar())
            self.b = torch.nn.Parameter(randn_scalar())
            self.c = torch.nn.Parameter(randn_scalar())
            self.d = torch.nn.Parameter(randn_scalar())
            self.e = torch.nn.Parameter(randn_scalar())

        def forward(self, x):
            """A 3rd, 4th or 5th degree polynomial, chosen at random on each pass: the graph is built
            anew each time, so ordinary Python control flow shapes it; the 4th and 5th powers share
            the one coefficient e (weight sharing), whose gradient sums both uses."""
            y = self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3
            for exp in range(4, random.randint(4, 6)):
                y = y + self.e * x ** exp
            return y

        def string(self):
            return (f'y = {self.a.item()} + {self.b.item()} x + {self.c.item()} x^2 + {self.d.item()} x^3 + '
                    f'{self.e.item()} x^4 ? + {self.e.item()} x^5 ?')

    # Python's random chooses the degree; seeded, both engines draw the same sequence
    random.seed(0)
    model = DynamicNet()
    criterion = torch.nn.MSELoss(reduction='sum')
    # plain SGD struggles with this model: momentum helps
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-8, momentum=0.9)
    dynamic_steps, dynamic_every = (500, 100) if engine.quick else (30000, 2000)
    for t in range(dynamic_steps):
        y_pred = model(x)
        loss = criterion(y_pred, y)
        report(t, dynamic_every, loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print(f'Result: {model.string()}')
    engine.record("dynamic net: a, b, c, d, e", [p.item() for p in model.parameters()], **tol)
    torch.set_default_device(None)


if __name__ == "__main__":
    main()
