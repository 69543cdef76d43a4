"""One graph-convolution step with a sparse adjacency matrix: torch.sparse (seed 000).

    python -m examples.sparse_graph                  # minitorch
    python -m examples.sparse_graph --engine torch   # real PyTorch

A graph convolution (Kipf & Welling) mixes each node's features with its neighbours': H = relu(Â X W), where
Â is the adjacency matrix with self-loops, normalised by the nodes' degrees (Â = D^-1/2 (A + I) D^-1/2). A
graph's adjacency matrix is mostly zeros, so it is stored sparse (COO: the indices of its nonzero entries
and their values) and ``torch.sparse.mm`` multiplies it in nnz * width steps instead of n * n * width.
The gradient flows to the weights W (dense) and to the edge weights (a sparse gradient, one value per
edge) - in float64, on the CPU, and checked against the same step with the dense matrix.
"""
from ._engine import select_engine


def main(argv=None):
    engine = select_engine(argv)
    torch = engine.torch

    n, features, hidden = 8, 4, 3
    edges = [(i, (i + 1) % n) for i in range(n)] + [(0, 4), (2, 6)]  # a ring and two chords
    pairs = sorted(set(edges + [(j, i) for i, j in edges] + [(i, i) for i in range(n)]))  # both ways, self-loops
    degree = [sum(1 for i, _ in pairs if i == node) for node in range(n)]
    rows, cols = [i for i, _ in pairs], [j for _, j in pairs]
    weights = [1.0 / (degree[i] * degree[j]) ** 0.5 for i, j in pairs]
    # the pairs are sorted and unique: is_coalesced=True says so; check_invariants=True checks the indices
    adjacency = torch.sparse_coo_tensor(torch.tensor([rows, cols]), torch.tensor(weights, dtype=torch.float64),
                                        (n, n), requires_grad=True, is_coalesced=True, check_invariants=True)
    print(f"{n} nodes, {len(edges)} edges; Â has {adjacency._nnz()} entries of {n * n} "
          f"(coalesced: {adjacency.is_coalesced()})")
    print(adjacency)

    x = engine.randn(n, features).double()
    w = engine.randn(features, hidden).double().requires_grad_()
    h = torch.relu(torch.sparse.mm(adjacency, x @ w))
    loss = (h ** 2).mean()
    loss.backward()
    print(f"H = relu(Â X W): {tuple(h.shape)}, loss {loss.item():.6f}")
    print(f"H's graph: {h.grad_fn.name()} <- {h.grad_fn.next_functions[0][0].name()}")
    print("dloss/dW:")
    print(w.grad)
    print("dloss/dÂ (sparse: one value per entry):")
    print(adjacency.grad)

    dense = adjacency.detach().to_dense().requires_grad_()
    w_dense = w.detach().clone().requires_grad_()
    loss_dense = (torch.relu(dense @ (x @ w_dense)) ** 2).mean()
    loss_dense.backward()
    print(f"the same with the dense matrix: loss equal {torch.allclose(loss, loss_dense)}, "
          f"dW equal {torch.allclose(w.grad, w_dense.grad)}, "
          f"dÂ equal at the entries {torch.allclose(adjacency.grad.to_dense(), dense.grad * (dense != 0))}")
    engine.record("loss", loss)
    engine.record("dW", w.grad)
    engine.record("dA values", adjacency.grad.coalesce().values())


if __name__ == "__main__":
    main()
