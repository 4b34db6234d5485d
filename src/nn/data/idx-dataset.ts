// Labelled image datasets from IDX files (the MNIST / Fashion-MNIST format): an images file
// of shape [count, height, width] (uint8 0..255, scaled to [0, 1]) and a labels file [count].
import { readIdxFile } from '../../engine/idx.js';
import { validateDataset, type ImageDataset } from './dataset.js';

export interface IdxDatasetOptions {
  /** Dataset name for reports and errors (default: the images file's path). */
  name?: string;
  /** Number of classes (default 10). */
  numClasses?: number;
}

/** Reads an IDX images file and its IDX labels file (gzipped or raw) into an ImageDataset. */
export function loadIdxDataset(imagesPath: string, labelsPath: string, options: IdxDatasetOptions = {}): ImageDataset {
  const images = readIdxFile(imagesPath);
  const labels = readIdxFile(labelsPath);
  if (images.dims.length !== 3) {
    throw new Error(`IDX images file ${imagesPath}: expected 3 dimensions [count, height, width], got [${images.dims.join(', ')}]`);
  }
  if (labels.dims.length !== 1) throw new Error(`IDX labels file ${labelsPath}: expected 1 dimension [count], got [${labels.dims.join(', ')}]`);
  const [count, height, width] = images.dims;
  if (labels.dims[0] !== count) {
    throw new Error(`IDX files disagree: ${imagesPath} holds ${count} images but ${labelsPath} holds ${labels.dims[0]} labels`);
  }
  if (images.dtype !== 'uint8') throw new Error(`IDX images file ${imagesPath}: expected uint8 pixels, got ${images.dtype}`);
  if (labels.dtype !== 'uint8' && labels.dtype !== 'int32' && labels.dtype !== 'int16' && labels.dtype !== 'int8') {
    throw new Error(`IDX labels file ${labelsPath}: expected integer labels, got ${labels.dtype}`);
  }
  const pixels = new Float32Array(images.data.length);
  for (let i = 0; i < pixels.length; i++) pixels[i] = Number(images.data[i]) / 255;
  return validateDataset({
    name: options.name ?? imagesPath,
    images: pixels,
    labels: Int32Array.from(labels.data as ArrayLike<number>),
    count,
    height,
    width,
    numClasses: options.numClasses ?? 10,
  });
}
