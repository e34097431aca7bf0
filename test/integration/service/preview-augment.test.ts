// datasets.preview with augmentation: the real MNIST samples through the engine's augmenter, seeded.
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { handleApiMessage } from '../../../main/service/handle';
import { createBackendService } from '../../../main/service/service';

const mirror = join(import.meta.dirname, '../../../../shared/datasets');
const service = createBackendService({ datasets: { mirror, cacheDir: join(import.meta.dirname, '../../../out/preview-cache') }, engineInfo: async () => ({ backend: 'cpu', skipped: [], gpuNotes: [] }) });
let nextId = 1;
async function call(method: string, params?: unknown): Promise<any> {
  const response = await handleApiMessage(service, JSON.stringify({ id: nextId++, method, params }));
  if ('error' in response) return { error: response.error };
  return response.result;
}
const pixels = (b64: string) => PNG.sync.read(Buffer.from(b64, 'base64')).data;
const rotate = { rotation_range: 25, width_shift_range: 0.1, height_shift_range: 0.1, zoom_range: 0.1, horizontal_flip: false, vertical_flip: false, gaussian_noise: 0 };

afterAll(() => service.close());

describe('datasets.preview with augmentation', () => {
  it('returns the same samples (labels, indices) with changed pixels, repeatable by seed', async () => {
    const plain = await call('datasets.preview', { name: 'mnist', split: 'train', offset: 0, count: 8 });
    const a = await call('datasets.preview', { name: 'mnist', split: 'train', offset: 0, count: 8, augmentation: rotate, seed: 7 });
    const again = await call('datasets.preview', { name: 'mnist', split: 'train', offset: 0, count: 8, augmentation: rotate, seed: 7 });
    const other = await call('datasets.preview', { name: 'mnist', split: 'train', offset: 0, count: 8, augmentation: rotate, seed: 8 });
    expect(a.images.map((i: any) => [i.index, i.label])).toEqual(plain.images.map((i: any) => [i.index, i.label]));
    expect(plain.images[0].label).toBe(5); // the first MNIST training image is a 5
    let changed = 0;
    for (let i = 0; i < 8; i++) {
      if (!pixels(a.images[i].png).equals(pixels(plain.images[i].png))) changed++;
      expect(pixels(again.images[i].png).equals(pixels(a.images[i].png))).toBe(true);
    }
    expect(changed).toBe(8);
    expect(other.images.some((img: any, i: number) => !pixels(img.png).equals(pixels(a.images[i].png)))).toBe(true);
  });

  it('without augmentation settings nothing changes; vertical flip is refused with the reason', async () => {
    const plain = await call('datasets.preview', { name: 'mnist', split: 'train', offset: 0, count: 2 });
    const none = await call('datasets.preview', { name: 'mnist', split: 'train', offset: 0, count: 2, augmentation: { ...rotate, rotation_range: 0, width_shift_range: 0, height_shift_range: 0, zoom_range: 0 } });
    expect(pixels(none.images[1].png).equals(pixels(plain.images[1].png))).toBe(true);
    const flipped = await call('datasets.preview', { name: 'mnist', split: 'train', count: 2, augmentation: { ...rotate, vertical_flip: true } });
    expect(flipped.error).toMatchObject({ code: 'invalid-params', message: expect.stringMatching(/vertical_flip/) });
  });
});
