/** Python helpers model.py includes when a layer needs them (TensorFlow's padding and resizing rules in PyTorch). */
import { SEQUENCE_HELPERS, type SequenceHelper } from './sequence-helpers';

export type Helper = 'same_pad' | 'avg_pool_same' | 'KerasConv2DTranspose' | 'SeparableConv2d' | 'upsample_bilinear' | SequenceHelper;

export const HELPERS: Record<Helper, string> = {
  ...SEQUENCE_HELPERS,
  same_pad: `def same_pad(x, kernel_size, stride, dilation=(1, 1), value=0.0):
    """Pads an NCHW tensor as TensorFlow's 'same' padding does: the odd pixel goes to the bottom/right."""
    pads = []
    for size, k, s, d in zip((x.shape[3], x.shape[2]), kernel_size[::-1], stride[::-1], dilation[::-1]):
        total = max((math.ceil(size / s) - 1) * s + (k - 1) * d + 1 - size, 0)
        pads += [total // 2, total - total // 2]
    return F.pad(x, pads, value=value)
`,
  avg_pool_same: `def avg_pool_same(x, kernel_size, stride):
    """TensorFlow's 'same' average pooling divides each window by its count of real (unpadded) pixels."""
    summed = F.avg_pool2d(same_pad(x, kernel_size, stride), kernel_size, stride)
    counts = F.avg_pool2d(same_pad(torch.ones_like(x[:1, :1]), kernel_size, stride), kernel_size, stride)
    return summed / counts
`,
  KerasConv2DTranspose: `class KerasConv2DTranspose(nn.ConvTranspose2d):
    """ConvTranspose2d cropped as Keras does: 'same' gives in * stride pixels and crops floor(excess / 2) at the
    top/left (PyTorch's padding crops symmetrically); the bias is added after cropping."""

    def __init__(self, in_channels, out_channels, kernel_size, stride, dilation=(1, 1), bias=True, padding='valid'):
        super().__init__(in_channels, out_channels, kernel_size, stride=stride, dilation=dilation, bias=bias)
        self.keras_padding = padding

    def forward(self, x):
        y = F.conv_transpose2d(x, self.weight, None, self.stride, 0, 0, 1, self.dilation)
        for axis in (2, 3):
            size, k, s, d = x.shape[axis], self.kernel_size[axis - 2], self.stride[axis - 2], self.dilation[axis - 2]
            dk = (k - 1) * d + 1
            out = size * s if self.keras_padding == 'same' else size * s + max(dk - s, 0)
            start = max(dk - s, 0) // 2 if self.keras_padding == 'same' else 0
            y = y.narrow(axis, start, min(out, y.shape[axis] - start))
            if y.shape[axis] < out:
                pad = [0, 0, 0, 0]
                pad[1 if axis == 3 else 3] = out - y.shape[axis]
                y = F.pad(y, pad)
        if self.bias is not None:
            y = y + self.bias.view(1, -1, 1, 1)
        return y
`,
  upsample_bilinear: `def upsample_bilinear(x, scale):
    """Bilinear upsampling as TF.js (and TensorFlow 1) compute it: source pixel = output pixel / scale, with no
    half-pixel offset, so the model trained in Layerlab gives the same outputs here."""
    for axis, s in ((2, scale[0]), (3, scale[1])):
        size = x.shape[axis]
        src = torch.arange(size * s, device=x.device, dtype=x.dtype) / s
        lo = src.floor().long().clamp(max=size - 1)
        hi = (lo + 1).clamp(max=size - 1)
        w = (src - lo.to(x.dtype)).view([-1 if d == axis else 1 for d in range(4)])
        x = x.index_select(axis, lo) * (1 - w) + x.index_select(axis, hi) * w
    return x
`,
  SeparableConv2d: `class SeparableConv2d(nn.Module):
    """Keras SeparableConv2D: a depthwise convolution (depth_multiplier channels per input channel) then a 1x1."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, depth_multiplier=1,
                 bias=True):
        super().__init__()
        self.depthwise = nn.Conv2d(in_channels, in_channels * depth_multiplier, kernel_size, stride=stride,
                                   padding=padding, dilation=dilation, groups=in_channels, bias=False)
        self.pointwise = nn.Conv2d(in_channels * depth_multiplier, out_channels, 1, bias=bias)

    def forward(self, x):
        return self.pointwise(self.depthwise(x))
`,
};

/** The order helpers are written in (classes after the functions they use). */
export const HELPER_ORDER: readonly Helper[] = [
  'same_pad', 'avg_pool_same', 'upsample_bilinear', 'KerasConv2DTranspose', 'SeparableConv2d',
  'same_pad1d', 'avg_pool1d_same', 'masked_mean', 'concat_mask', 'masked_merge', 'KerasMaskedBatchNorm', 'KerasRNN', 'KerasBidirectional',
];
