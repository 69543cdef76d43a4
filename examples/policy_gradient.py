"""Policy gradients (REINFORCE) with ``torch.distributions``: a small net learns to walk a corridor.

    python -m examples.policy_gradient                  # minitorch
    python -m examples.policy_gradient --engine torch   # real PyTorch

The environment, all in NumPy below: a corridor of 7 cells; a walker starts near the left end (cell 2) and steps
left or right. Reaching the right end (cell 6) pays +1, falling off the left end (cell 0) costs -1, and every
step costs 0.05, so the best policy walks straight right. An episode ends at either end or after 12 steps.

The policy is a net from the walker's cell (one-hot) to two logits, read as ``Categorical(logits=...)``.
REINFORCE raises the log-probability of each action taken in proportion to how much better than average the
rest of its episode went:

    loss = -Σₜ log π(aₜ | sₜ) · (Gₜ - baseline),    Gₜ = the rewards from step t to the end

``dist.log_prob(action)`` is where autograd enters: the actions and returns are constants, and the gradient
of the loss flows through the log-probabilities into the net's weights.

Both engines take the same actions, so that their losses can be compared line by line: the actions are
drawn from the policy's probabilities by the inverse CDF at uniform numbers from one shared NumPy stream
(``Categorical(...).sample()`` would draw with each engine's own generator, and the two would walk different
walks). The net runs in float64, so that a probability a rounding away from a uniform draw cannot send the
engines different ways.
"""
import numpy as np

from ._engine import select_engine

CELLS, START, MAX_STEPS, STEP_COST = 7, 2, 12, 0.05
LEFT, RIGHT = 0, 1


class Corridor:
    """A batch of walkers in the corridor (NumPy): ``step(actions)`` moves each walker that is still walking
    and returns the rewards, 0 for those that have finished."""

    def __init__(self, walkers):
        self.position = np.full(walkers, START)
        self.done = np.zeros(walkers, bool)

    def step(self, actions):
        walking = ~self.done
        self.position = np.where(walking, self.position + np.where(actions == RIGHT, 1, -1), self.position)
        reward = np.where(walking, -STEP_COST, 0.0)
        reward += np.where(walking & (self.position == CELLS - 1), 1.0, 0.0)
        reward += np.where(walking & (self.position == 0), -1.0, 0.0)
        self.done = self.done | (self.position == 0) | (self.position == CELLS - 1)
        return reward, walking


def rewards_to_go(rewards):
    """Gₜ = rₜ + rₜ₊₁ + ... for each walker (rows are time steps)."""
    return np.cumsum(rewards[::-1], axis=0)[::-1]


def main(argv=None):
    engine = select_engine(argv)
    torch, device, nn = engine.torch, engine.device, engine.nn
    Categorical = torch.distributions.Categorical
    shared = np.random.default_rng(0)  # the one stream of uniform numbers both engines draw their actions from
    engine.tolerate("loss", 1e-6, 1e-9)  # the losses are float64 sums, added up in each engine's own order

    policy = nn.Sequential(nn.Linear(CELLS, 16), nn.Tanh(), nn.Linear(16, 2))
    engine.same_weights(policy, "policy_gradient_policy")  # torch's initial weights in both engines
    policy = policy.double().to(device)
    optimizer = torch.optim.Adam(policy.parameters(), lr=0.01)
    eye = torch.eye(CELLS, dtype=torch.float64, device=device)

    def sample(dist):
        """An action per walker, drawn by the inverse CDF: the first action whose cumulative probability
        exceeds a shared uniform number u (what ``dist.sample()`` does, with the engines' own numbers)."""
        u = torch.tensor(shared.random(dist.probs.shape[0]), device=device).unsqueeze(-1)
        return (dist.probs.cumsum(-1) <= u).sum(-1).clamp(max=dist.probs.shape[-1] - 1)

    walkers = 32
    iterations = 40 if engine.quick else 150
    for iteration in range(1, iterations + 1):
        env = Corridor(walkers)
        log_probs, rewards, masks = [], [], []
        for _ in range(MAX_STEPS):
            dist = Categorical(logits=policy(eye[torch.tensor(env.position, device=device)]))
            action = sample(dist)
            reward, walking = env.step(action.cpu().numpy())
            log_probs.append(dist.log_prob(action))
            rewards.append(reward)
            masks.append(walking)
        returns = rewards_to_go(np.array(rewards))               # (steps, walkers)
        advantage = (returns - returns[0].mean()) * np.array(masks)  # no credit for steps after the end
        loss = -(torch.stack(log_probs) * torch.tensor(advantage, device=device)).sum() / walkers
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if iteration % 10 == 0 or iteration == 1:
            episode_returns = np.array(rewards).sum(0)
            print(f"iteration {iteration:4d}  mean return {episode_returns.mean():+.3f}  "
                  f"reached the goal {int((env.position == CELLS - 1).sum()):2d}/{walkers}  loss {loss.item():+.6f}")
            if iteration == 1:
                engine.record_graph("graph of the first loss", loss)

    with torch.no_grad():
        probs = Categorical(logits=policy(eye)).probs[:, RIGHT]
    print("P(step right) in cells 1-5:", " ".join(f"{p:.3f}" for p in probs[1:CELLS - 1].tolist()))
    engine.record("final policy: P(step right) per cell", probs, rtol=1e-6, atol=1e-9)
    engine.record("final loss", loss, rtol=1e-6, atol=1e-9)


if __name__ == "__main__":
    main()
