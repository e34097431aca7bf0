/**
 * The part of both train.py scripts that follows Layerlab's training document: the document itself as a Python
 * dict (CONFIG), the learning-rate schedule as a factor per epoch, and the preprocessing.
 */
import { pyLiteral } from './python-names';
import type { ExportTrainingConfig } from './types';

/** CONFIG = {...}: the fields the scripts use (telemetry is Layerlab's own business). */
export function configLiteral(t: ExportTrainingConfig): string {
  const { telemetry: _telemetry, ...rest } = t;
  const lines = Object.entries(rest).map(([k, v]) => `    ${pyLiteral(k)}: ${pyLiteral(v)},`);
  return `CONFIG = {\n${lines.join('\n')}\n}`;
}

export const PYTHON_CONFIG_CODE = `

def lr_factor(epoch):
    """The multiplier of the initial learning rate in epoch \`epoch\` (0-based), as Layerlab schedules it."""
    s = CONFIG['lr_schedule']
    if s['kind'] == 'step':
        return s['gamma'] ** (epoch // s['step_size'])
    if s['kind'] == 'exponential':
        p = epoch / s['decay_steps']
        return s['decay_rate'] ** (math.floor(p) if s['staircase'] else p)
    if s['kind'] == 'cosine':
        t = min(epoch, s['decay_steps']) / s['decay_steps']
        return (1 - s['alpha']) * 0.5 * (1 + math.cos(math.pi * t)) + s['alpha']
    return 1.0

`;
