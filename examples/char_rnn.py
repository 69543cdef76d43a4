"""A character-level language model: an LSTM learns to continue a short text one character at a time, then
writes a greedy sample.

    python -m examples.char_rnn                    # minitorch, 400 steps in float32
    python -m examples.char_rnn --engine torch     # real PyTorch
    python -m examples.char_rnn --quick            # 150 steps in float64

The text is the opening of Lewis Carroll's *Alice's Adventures in Wonderland* (1865, public domain), kept
in this file. Each step trains on a batch of windows of the text whose start positions come from one seeded
NumPy generator, so both engines see the same batches; both start from torch's initial weights
(``engine.same_weights``). The model reads characters through an ``nn.Embedding``, runs them through an
``nn.LSTM`` and predicts the next character with an ``nn.Linear`` at every position; the loss is the cross
entropy of those predictions. Sampling feeds the model its own most likely character, carrying the LSTM's
state ``(h, c)`` from one call to the next.

``--quick`` trains in float64, where the engines agree to about 1e-12 after 150 steps: every printed line,
the losses and the greedy sample, must be identical. The full run trains in float32, where the engines'
matrix products round differently and the losses drift apart by about 1e-5 (a stated tolerance); torch
runs its float32 LSTM as one fused oneDNN node per layer, minitorch one fused node per time step.
"""
import numpy as np

from ._engine import select_engine

TEXT = (
    "Alice was beginning to get very tired of sitting by her sister on the bank, and of having nothing to "
    "do: once or twice she had peeped into the book her sister was reading, but it had no pictures or "
    "conversations in it, 'and what is the use of a book,' thought Alice 'without pictures or "
    "conversations?' So she was considering in her own mind (as well as she could, for the hot day made her "
    "feel very sleepy and stupid), whether the pleasure of making a daisy-chain would be worth the trouble "
    "of getting up and picking the daisies, when suddenly a White Rabbit with pink eyes ran close by her. "
    "There was nothing so very remarkable in that; nor did Alice think it so very much out of the way to "
    "hear the Rabbit say to itself, 'Oh dear! Oh dear! I shall be late!'"
)


def make_model(engine, vocab, embed=16, hidden=64):
    nn = engine.nn

    class CharLSTM(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(vocab, embed)
            self.lstm = nn.LSTM(embed, hidden, batch_first=True)
            self.head = nn.Linear(hidden, vocab)

        def forward(self, x, state=None):
            out, state = self.lstm(self.embed(x), state)
            return self.head(out), state

    return CharLSTM()


def main(argv=None):
    engine = select_engine(argv)
    torch, nn = engine.torch, engine.nn
    steps, every, dtype = (150, 25, torch.float64) if engine.quick else (400, 50, torch.float32)
    if not engine.quick:
        # float32: the engines' rounding differs (oneDNN's fused LSTM against NumPy's products); measured over
        # 400 steps the losses stay within about 1e-5 of each other
        engine.tolerate(r"loss", 0, 1e-3)
    batch, length = 16, 32

    chars = sorted(set(TEXT))
    index = {c: i for i, c in enumerate(chars)}
    data = np.array([index[c] for c in TEXT], dtype=np.int64)
    print(f"text: {len(TEXT)} characters, {len(chars)} distinct")

    model = engine.same_weights(make_model(engine, len(chars)), "char_rnn")
    model.to(engine.device, dtype)
    print(model)
    engine.record("print(model)", str(model))
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)

    rng = np.random.default_rng(0)  # the batches: the same windows in both engines
    curve, losses = [], []
    for step in range(1, steps + 1):
        starts = rng.integers(0, len(data) - length - 1, batch)
        windows = np.stack([data[s:s + length + 1] for s in starts])
        x = torch.tensor(windows[:, :-1], device=engine.device)
        y = torch.tensor(windows[:, 1:], device=engine.device)
        optimizer.zero_grad()
        logits, _ = model(x)
        loss = criterion(logits.reshape(-1, len(chars)), y.reshape(-1))
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        if step % every == 0:
            curve.append(sum(losses[-every:]) / every)
            print(f"step {step:4d}  loss {curve[-1]:.4f}")
    engine.record("loss of every step", losses, rtol=1e-9 if engine.quick else 1e-3, atol=0)
    engine.record("loss curve", curve, rtol=1e-9 if engine.quick else 1e-3, atol=0)

    # a greedy sample: the prompt, then the most likely next character, one at a time, carrying (h, c)
    prompt, sample = "Alice ", "Alice "
    with torch.no_grad():
        logits, state = model(torch.tensor([[index[c] for c in prompt]], device=engine.device))
        for _ in range(80):
            nxt = int(logits[0, -1].argmax())
            sample += chars[nxt]
            logits, state = model(torch.tensor([[nxt]], device=engine.device), state)
    print(f"sample: {sample!r}")
    engine.record("greedy sample", sample)


if __name__ == "__main__":
    main()
