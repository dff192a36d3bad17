import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Three classes a small network learns in one epoch: a red disc, a green square, a blue triangle. */
const SCRIPT = `
import os, random, sys
from PIL import Image, ImageDraw
root, per_train, per_val, size, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
rnd = random.Random(seed)
def draw(shape):
    bg = tuple(rnd.randint(200, 255) for _ in range(3))
    img = Image.new("RGB", (size, size), bg)
    d = ImageDraw.Draw(img)
    s = rnd.randint(size // 2, size - 4); x = rnd.randint(0, size - s); y = rnd.randint(0, size - s)
    jitter = lambda c: tuple(max(0, min(255, v + rnd.randint(-30, 30))) for v in c)
    if shape == "disc": d.ellipse([x, y, x + s, y + s], fill=jitter((220, 30, 30)))
    elif shape == "square": d.rectangle([x, y, x + s, y + s], fill=jitter((30, 180, 40)))
    else: d.polygon([(x + s // 2, y), (x, y + s), (x + s, y + s)], fill=jitter((30, 60, 220)))
    return img
for channel, count in (("train", per_train), ("validation", per_val)):
    for shape in ("disc", "square", "triangle"):
        folder = os.path.join(root, channel, shape); os.makedirs(folder, exist_ok=True)
        for i in range(count): draw(shape).save(os.path.join(folder, f"{shape}-{i:04d}.png"))
`;

export interface SyntheticDataset {
  folder: string;
  /** Paths relative to the folder, `train/<class>/<file>.png` and `validation/...`. */
  files: string[];
}

export async function makeSyntheticDataset(options: {
  folder: string;
  perClassTrain: number;
  perClassValidation: number;
  size?: number;
  seed?: number;
  python: string;
}): Promise<SyntheticDataset> {
  await run(options.python, [
    '-c',
    SCRIPT,
    options.folder,
    String(options.perClassTrain),
    String(options.perClassValidation),
    String(options.size ?? 32),
    String(options.seed ?? 7),
  ]);
  const files: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else files.push(relative(options.folder, path));
    }
  };
  await walk(options.folder);
  return { folder: options.folder, files: files.sort() };
}
