/**
 * Python helpers model.py includes for sequence layers: Keras' (and TF.js') recurrent layers on PyTorch's own
 * nn.RNN / nn.LSTM / nn.GRU parameters, with Keras' masking, and TensorFlow's 1-D 'same' padding.
 *
 * Gate order: Keras LSTM kernels are [i, f, c, o], PyTorch's [i, f, g, o] (the same gates, c = g); Keras GRU
 * kernels are [z, r, h], PyTorch's [r, z, n] (weights.ts reorders). Keras' GRU reset_after=True is PyTorch's GRU
 * (n = tanh(W_in x + b_in + r * (W_hn h + b_hn)), h' = (1 - z) * n + z * h); Keras' single LSTM/SimpleRNN bias goes
 * to bias_ih with bias_hh = 0.
 *
 * Masks (an Embedding with mask_zero, a Masking layer): PyTorch's fused RNNs know no masks, and
 * pack_padded_sequence only skips padding at the END (TextVectorization's post-padding), not pad_sequences'
 * pre-padding nor gaps. So a masked call runs the step loop below with the same parameters, exactly as TF.js does:
 * at a masked step the state (h, and c for LSTM) is carried over unchanged and the output is that carried h, so
 * leading padding leaves the zero initial state alone and trailing padding repeats the last real output.
 * Unmasked calls with Keras' default activations use the fused (cuDNN/oneDNN) kernel.
 *
 * dropout / recurrent_dropout (PyTorch's RNNs have no recurrent dropout): in training mode with either set, the step
 * loop runs with Keras 3's masks (keras/src/layers/rnn/*.py, DropoutRNNCell): drawn once per call, so every step of a
 * sequence drops the same input features and state units; one input mask for all gates, or, with recurrent_dropout
 * (Keras' implementation 1), one mask per gate for the inputs and for the state; kept units scaled by 1 / (1 - rate);
 * the state itself (h, and c) is never dropped, only what enters the matmuls. In eval mode nothing changes. (TF.js,
 * which Layerlab trains with, draws one mask for all gates also with recurrent_dropout, and its GRU mixes the dropped
 * state into h': the same regularisation up to the masks' correlation between gates.)
 */
export type SequenceHelper = 'same_pad1d' | 'avg_pool1d_same' | 'masked_mean' | 'concat_mask' | 'masked_merge' | 'KerasMaskedBatchNorm' | 'KerasRNN' | 'KerasBidirectional';

export const SEQUENCE_HELPERS: Record<SequenceHelper, string> = {
  same_pad1d: `def same_pad1d(x, kernel_size, stride, dilation=1, value=0.0):
    """Pads an (N, C, T) tensor as TensorFlow's 'same' padding does: the odd step goes to the end."""
    size = x.shape[2]
    total = max((math.ceil(size / stride) - 1) * stride + (kernel_size - 1) * dilation + 1 - size, 0)
    return F.pad(x, [total // 2, total - total // 2], value=value)
`,
  avg_pool1d_same: `def avg_pool1d_same(x, kernel_size, stride):
    """TensorFlow's 'same' average pooling divides each window by its count of real (unpadded) steps."""
    summed = F.avg_pool1d(same_pad1d(x, kernel_size, stride), kernel_size, stride)
    counts = F.avg_pool1d(same_pad1d(torch.ones_like(x[:1, :1]), kernel_size, stride), kernel_size, stride)
    return summed / counts
`,
  masked_mean: `def masked_mean(x, mask):
    """Keras' GlobalAveragePooling1D with a mask: the mean of x (batch, steps, features) over the steps the
    (batch, steps) mask keeps; a row with none kept gives zeros as in Layerlab (Keras: 0 / 0 = NaN)."""
    m = mask.unsqueeze(-1).to(x.dtype)
    return (x * m).sum(dim=1) / m.sum(dim=1).clamp(min=1.0)
`,
  concat_mask: `def concat_mask(xs, masks, dim):
    """Keras 3's Concatenate mask (merging/concatenate.py): each input's mask widened to its tensor's shape (an
    unmasked input counts as kept everywhere), concatenated along dim; a step is kept where any feature is."""
    parts = [torch.ones_like(x, dtype=torch.bool) if m is None else m.unsqueeze(-1).expand_as(x) if m.dim() < x.dim() else m
             for x, m in zip(xs, masks)]
    return torch.cat(parts, dim).any(dim=-1)
`,
  masked_merge: `def masked_merge(op, xs, masks, dim):
    """Keras 3's Multiply, Maximum and Minimum values where inputs are masked (merging/multiply.py; base_merge.py
    _apply_merge_op_and_or_mask): each mask (None: unmasked) is widened to its tensor along dim. Multiply reads a
    masked entry as 1 and, when every input is masked, gives 0 where no mask keeps the step; Maximum/Minimum walk
    the inputs, a masked entry taking the other side's value."""
    ms = [None if m is None else m.unsqueeze(dim).expand_as(x) for x, m in zip(xs, masks)]
    if op == 'multiply':
        out = None
        for x, m in zip(xs, ms):
            x = x if m is None else torch.where(m, x, torch.ones_like(x))
            out = x if out is None else out * x
        if all(m is not None for m in ms):
            kept = ms[0]
            for m in ms[1:]:
                kept = kept | m
            out = torch.where(kept, out, torch.zeros_like(out))
        return out
    fn = torch.maximum if op == 'maximum' else torch.minimum
    out, out_mask = xs[0], ms[0]
    for x, m in zip(xs[1:], ms[1:]):
        if m is not None:
            x = torch.where(m, x, out)
        if out_mask is not None:
            out = torch.where(out_mask, out, x)
        out_mask = out_mask | m if m is not None and out_mask is not None else None
        out = fn(out, x)
    return out
`,
  KerasMaskedBatchNorm: `class KerasMaskedBatchNorm(nn.BatchNorm1d):
    """BatchNorm1d over (batch, channels, steps) or (batch, channels) with Keras 3's mask
    (normalization/batch_normalization.py): in training the batch mean and variance cover only the steps (rows) the
    (batch, steps) or (batch,) mask keeps (divided by their count + 1e-7, the variance biased as Keras'), every step
    is normalised with them, and the running statistics move towards them by Keras' momentum. Without a mask, and in
    eval mode, it is BatchNorm1d."""

    def forward(self, x, mask=None):
        if mask is None or not self.training:
            return super().forward(x)
        dims = (0, 2) if x.dim() == 3 else (0,)
        view = (-1, 1) if x.dim() == 3 else (-1,)
        w = mask.unsqueeze(1).to(x.dtype).expand_as(x)
        count = w.sum(dim=dims) + 1e-7
        mean = (w * x).sum(dim=dims) / count
        variance = (w * (w * x - mean.view(view)) ** 2).sum(dim=dims) / count
        with torch.no_grad():
            self.running_mean.mul_(1 - self.momentum).add_(self.momentum * mean)
            self.running_var.mul_(1 - self.momentum).add_(self.momentum * variance)
            self.num_batches_tracked += 1
        y = (x - mean.view(view)) / torch.sqrt(variance.view(view) + self.eps)
        return y * self.weight.view(view) + self.bias.view(view) if self.affine else y
`,
  KerasRNN: `class KerasRNN(nn.Module):
    """A Keras SimpleRNN / LSTM / GRU on PyTorch's nn.RNN / nn.LSTM / nn.GRU parameters (batch first).

    forward(x, mask) takes (batch, steps, features) and an optional (batch, steps) boolean mask; it returns the
    last output (batch, units) or every output (batch, steps, units) with return_sequences. go_backwards reads the
    steps in reverse and, like Keras, returns the sequence in that reversed order. With return_state it returns a
    tuple as Keras does: (output, h, c) for LSTM, (output, h) for GRU and SimpleRNN, states (batch, units).
    """

    def __init__(self, kind, input_size, units, activation, recurrent_activation, fused, bias=True,
                 return_sequences=False, return_state=False, go_backwards=False, reset_after=True, dropout=0.0,
                 recurrent_dropout=0.0):
        super().__init__()
        self.kind, self.units, self.reset_after = kind, units, reset_after
        self.dropout, self.recurrent_dropout = dropout, recurrent_dropout
        self.activation, self.recurrent_activation = activation, recurrent_activation
        self.return_sequences, self.return_state, self.go_backwards = return_sequences, return_state, go_backwards
        # fused: Keras' activations are the ones PyTorch's kernel computes (tanh/sigmoid; GRU with reset_after)
        self.fused = fused
        if kind == 'LSTM':
            self.rnn = nn.LSTM(input_size, units, bias=bias, batch_first=True)
        elif kind == 'GRU':
            self.rnn = nn.GRU(input_size, units, bias=bias, batch_first=True)
        else:
            self.rnn = nn.RNN(input_size, units, bias=bias, batch_first=True)
        if bias and not (kind == 'GRU' and reset_after):
            # Keras has one bias here: PyTorch's second one stays 0, is not trained and not counted (count_params)
            self.rnn.bias_hh_l0.requires_grad_(False)
            self.rnn.bias_hh_l0.keras_absent = True

    def keras_init(self):
        """Keras' initialisation: glorot_uniform kernels, orthogonal recurrent kernels, zero biases (LSTM: forget 1)."""
        gates = {'LSTM': 4, 'GRU': 3}.get(self.kind, 1)
        for g in range(gates):
            rows = slice(g * self.units, (g + 1) * self.units)
            nn.init.orthogonal_(self.rnn.weight_hh_l0.data[rows])
        # Keras draws the input kernel over all gates at once: fan_out = gates * units
        nn.init.xavier_uniform_(self.rnn.weight_ih_l0)
        if self.rnn.bias:
            nn.init.zeros_(self.rnn.bias_ih_l0)
            nn.init.zeros_(self.rnn.bias_hh_l0)
            if self.kind == 'LSTM':
                self.rnn.bias_ih_l0.data[self.units:2 * self.units] = 1.0

    def forward(self, x, mask=None):
        if self.go_backwards:
            x = x.flip(1)
            mask = None if mask is None else mask.flip(1)
        dropping = self.training and (0 < self.dropout < 1 or 0 < self.recurrent_dropout < 1)
        if mask is None and self.fused and not dropping:
            y, state = self.rnn(x)
            # nn.LSTM's state is (h_n, c_n), the others' h_n; each (layers=1, batch, units)
            h, c = (state[0][0], state[1][0]) if self.kind == 'LSTM' else (state[0], None)
        else:
            y, h, c = self.steps(x, mask, *(self.dropout_masks(x) if dropping else (None, None)))
        out = y if self.return_sequences else y[:, -1]
        if not self.return_state:
            return out
        return (out, h, c) if self.kind == 'LSTM' else (out, h)

    def dropout_masks(self, x):
        """Keras' masks for one call: (input masks, state masks), a list per gate each (None: no dropout there)."""
        gates = {'LSTM': 4, 'GRU': 3}.get(self.kind, 1)

        def draw(like, rate, count):
            return [F.dropout(torch.ones_like(like), rate, True) for _ in range(count)] if 0 < rate < 1 else None
        per_gate = 0 < self.recurrent_dropout < 1
        inputs = draw(x[:, :1], self.dropout, gates if per_gate else 1)  # (batch, 1, features): the same at every step
        if inputs is not None and not per_gate:
            inputs = inputs * gates
        return inputs, draw(x.new_empty(x.shape[0], self.units), self.recurrent_dropout, gates)

    @staticmethod
    def project(v, weight, bias, masks):
        """F.linear(v, weight, bias), where with dropout masks each gate's rows see v times that gate's mask."""
        if masks is None:
            return F.linear(v, weight, bias)
        if all(m is masks[0] for m in masks):
            return F.linear(v * masks[0], weight, bias)
        n = len(masks)
        biases = bias.chunk(n) if bias is not None else [None] * n
        return torch.cat([F.linear(v * m, w, b) for m, w, b in zip(masks, weight.chunk(n), biases)], -1)

    def steps(self, x, mask, input_masks=None, state_masks=None):
        r, u = self.rnn, self.units
        b_ih = r.bias_ih_l0 if r.bias else None
        b_hh = r.bias_hh_l0 if r.bias else None
        xs = self.project(x, r.weight_ih_l0, b_ih, input_masks)
        h = x.new_zeros(x.shape[0], u)
        c = x.new_zeros(x.shape[0], u)
        act, gate = self.activation, self.recurrent_activation
        outputs = []
        for t in range(x.shape[1]):
            xt = xs[:, t]
            if self.kind == 'LSTM':
                i, f, g, o = (xt + self.project(h, r.weight_hh_l0, b_hh, state_masks)).chunk(4, 1)
                c_new = gate(f) * c + gate(i) * act(g)
                h_new = gate(o) * act(c_new)
            elif self.kind == 'GRU':
                xr, xz, xn = xt.chunk(3, 1)
                if self.reset_after:
                    hr, hz, hn = self.project(h, r.weight_hh_l0, b_hh, state_masks).chunk(3, 1)
                    reset = gate(xr + hr)
                    n = act(xn + reset * hn)
                else:
                    # reset before the recurrent matmul (Keras' reset_after=False has no recurrent bias)
                    hr, hz = self.project(h, r.weight_hh_l0[:2 * u], None, state_masks and state_masks[:2]).chunk(2, 1)
                    reset = gate(xr + hr)
                    h_n = h if state_masks is None else h * state_masks[2]
                    n = act(xn + F.linear(reset * h_n, r.weight_hh_l0[2 * u:]))
                z = gate(xz + hz)
                h_new = z * h + (1 - z) * n
                c_new = c
            else:
                h_new = act(xt + self.project(h, r.weight_hh_l0, b_hh, state_masks))
                c_new = c
            if mask is None:
                h, c = h_new, c_new
            else:
                keep = mask[:, t].unsqueeze(1).to(x.dtype)
                h = keep * h_new + (1 - keep) * h
                c = keep * c_new + (1 - keep) * c
            outputs.append(h)
        return torch.stack(outputs, 1), h, c
`,
  KerasBidirectional: `class KerasBidirectional(nn.Module):
    """Keras' Bidirectional: the wrapped layer forwards and a copy backwards, merged by merge_mode."""

    def __init__(self, forward_layer, backward_layer, merge_mode='concat'):
        super().__init__()
        self.forward_layer, self.backward_layer, self.merge_mode = forward_layer, backward_layer, merge_mode

    def forward(self, x, mask=None):
        y = self.forward_layer(x, mask)
        y_rev = self.backward_layer(x, mask)
        states = ()
        if self.forward_layer.return_state:
            # Keras: (merged output, forward states..., backward states...)
            (y, *forward_states), (y_rev, *backward_states) = y, y_rev
            states = (*forward_states, *backward_states)
        if self.backward_layer.return_sequences:
            y_rev = y_rev.flip(1)
        if self.merge_mode == 'concat':
            merged = torch.cat([y, y_rev], -1)
        elif self.merge_mode == 'sum':
            merged = y + y_rev
        elif self.merge_mode == 'mul':
            merged = y * y_rev
        else:
            merged = (y + y_rev) / 2
        return (merged, *states) if states else merged
`,
};
