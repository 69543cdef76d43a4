"""The blitz's neural-network section: define LeNet, push an input through it, compute a loss, follow the
graph back from it, backpropagate, and update the weights by hand and with ``torch.optim``.

    python -m examples.neural_networks                  # minitorch
    python -m examples.neural_networks --engine torch   # real PyTorch

The net follows seed 000 (3x3 convolutions; seed 001 and today's tutorial use 5x5). Both engines start
from torch's initial weights (``engine.same_weights``) and take their random input, gradient and target
from ``engine.randn``, so they print the same numbers.
"""
from ._engine import select_engine


def main(argv=None):
    engine = select_engine(argv)
    torch, device = engine.torch, engine.device
    nn, F, optim = engine.nn, engine.F, engine.optim
    # On the CPU both engines compute in float32 with the same weights and inputs (measured: outputs within
    # 2e-6 relative). The matrix products' last bits depend on the kernels the CPU selects (AVX2, AVX-512),
    # so a printed 4th decimal that sits on a rounding boundary may come out one unit apart: printed
    # numbers are compared within 1e-4 absolute (≈), recorded values within the default 1e-5 relative.
    # torch on CUDA may run the convolutions in TF32 (torch.backends.cudnn.allow_tf32, a 10-bit mantissa),
    # which can move the 4th printed decimal: there, numbers in printed lines and records are compared
    # within 1e-2 relative, 1e-3 absolute (an estimate: no GPU was at hand to measure it when this was written).
    tol = dict(rtol=1e-2, atol=1e-3) if device.type == "cuda" else {}
    if device.type == "cuda":
        engine.tolerate("", tol["rtol"], tol["atol"])
    else:
        engine.tolerate("", 0, 1e-4)

    print("--- Define the network ---")

    class Net(nn.Module):

        def __init__(self):
            super(Net, self).__init__()
            # 1 input image channel, 6 output channels, 3x3 square convolution kernel
            self.conv1 = nn.Conv2d(1, 6, 3)
            self.conv2 = nn.Conv2d(6, 16, 3)
            # an affine operation: y = Wx + b
            self.fc1 = nn.Linear(16 * 6 * 6, 120)  # 6*6 from image dimension
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, x):
            # Max pooling over a (2, 2) window
            x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
            # If the size is a square you can only specify a single number
            x = F.max_pool2d(F.relu(self.conv2(x)), 2)
            x = x.view(-1, self.num_flat_features(x))
            x = F.relu(self.fc1(x))
            x = F.relu(self.fc2(x))
            x = self.fc3(x)
            return x

        def num_flat_features(self, x):
            size = x.size()[1:]  # all dimensions except the batch dimension
            num_features = 1
            for s in size:
                num_features *= s
            return num_features

    net = Net()
    engine.same_weights(net, "lenet")  # torch's initial weights in both engines
    net.to(device)
    print(net)
    engine.record("print(net)", str(net))

    # The learnable parameters: weight and bias of each of the 5 layers
    params = list(net.parameters())
    print(len(params))
    print(params[0].size())  # conv1's .weight

    # A random 32x32 input (LeNet's input size; MNIST images would be resized to 32x32)
    input = engine.randn(1, 1, 32, 32)
    out = net(input)
    print(out)
    engine.record("out", out, **tol)

    # Zero the gradient buffers of all parameters and backpropagate a random gradient
    net.zero_grad()
    out.backward(engine.randn(1, 10))
    print(net.fc3.bias.grad)  # out = fc3(...) = W x + b, so d(out)/d(b) is the identity: the gradient given
    engine.record("fc3.bias.grad after out.backward", net.fc3.bias.grad, **tol)

    # torch.nn only takes mini-batches: nn.Conv2d wants nSamples x nChannels x Height x Width.
    # A single sample gets a fake batch dimension with input.unsqueeze(0):
    print(input[0].unsqueeze(0).shape)

    print("--- Loss function ---")
    output = net(input)
    target = engine.randn(10)  # a dummy target, for example
    target = target.view(1, -1)  # make it the same shape as output
    criterion = nn.MSELoss()

    loss = criterion(output, target)
    print(loss)
    engine.record("loss", loss, **tol)

    # Following loss backwards through its .grad_fn:
    # input -> conv2d -> relu -> maxpool2d -> conv2d -> relu -> maxpool2d
    #       -> view -> linear -> relu -> linear -> relu -> linear
    #       -> MSELoss
    #       -> loss
    print(loss.grad_fn)  # MSELoss
    print(loss.grad_fn.next_functions[0][0])  # Linear
    print(loss.grad_fn.next_functions[0][0].next_functions[0][0])  # its bias, a leaf: AccumulateGrad
    engine.record_graph("loss graph (node names, breadth first)", loss)
    # The whole graph at once: minitorch.viz reads only grad_fn/next_functions, so it draws torch's graph too
    from minitorch.viz import format_graph
    graph = format_graph(loss, params=dict(net.named_parameters()))
    print(graph)
    engine.record("loss graph (minitorch.viz.format_graph)", graph)

    print("--- Backprop ---")
    net.zero_grad()  # zeroes the gradient buffers of all parameters

    print('conv1.bias.grad before backward')
    # None: since torch 2.0 zero_grad() sets the gradients to None instead of filling them with zeros
    # (set_to_none=True), so this prints None where the tutorial printed tensor([0., 0., 0., 0., 0., 0.]).
    print(net.conv1.bias.grad)

    loss.backward()

    print('conv1.bias.grad after backward')
    print(net.conv1.bias.grad)
    engine.record("conv1.bias.grad", net.conv1.bias.grad, **tol)

    print("--- Update the weights ---")
    # Stochastic gradient descent by hand: weight = weight - learning_rate * gradient
    learning_rate = 0.01
    for f in net.parameters():
        f.data.sub_(f.grad.data * learning_rate)
    print(criterion(net(input), target))

    # The same rule, and Nesterov-SGD, Adam, RMSProp, ..., come ready-made in torch.optim
    # create your optimizer
    optimizer = optim.SGD(net.parameters(), lr=0.01)

    # in your training loop:
    for step in range(3):
        optimizer.zero_grad()  # zero the gradient buffers (they accumulate otherwise)
        output = net(input)
        loss = criterion(output, target)
        loss.backward()
        optimizer.step()  # Does the update
        print(f"step {step + 1}: loss {loss.item():.4f}")
    engine.record("loss after the optim.SGD steps", criterion(net(input), target), **tol)
    engine.record("conv1.weight after the updates", net.conv1.weight, **tol)


if __name__ == "__main__":
    main()
