// A board position as an RGB image (for reports): wooden background, grid, star-less, stones as discs.
import type { Board } from './board/board.js';
import { BLACK, WHITE } from './board/coords.js';
import type { PngImage } from '../report/png.js';

export function boardImage(board: Board, cell = 24): PngImage {
  const margin = cell;
  const w = margin * 2 + cell * (board.width - 1);
  const h = margin * 2 + cell * (board.height - 1);
  const data = new Uint8Array(w * h * 3);
  const set = (x: number, y: number, r: number, g: number, b: number): void => {
    if (x < 0 || y < 0 || x >= w || y >= h) return;
    const i = (y * w + x) * 3;
    data[i] = r;
    data[i + 1] = g;
    data[i + 2] = b;
  };
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) set(x, y, 220, 179, 92);
  for (let i = 0; i < board.width; i++) for (let y = margin; y <= h - margin; y++) set(margin + i * cell, y, 40, 30, 20);
  for (let j = 0; j < board.height; j++) for (let x = margin; x <= w - margin; x++) set(x, margin + j * cell, 40, 30, 20);
  const radius = cell * 0.46;
  for (let j = 0; j < board.height; j++) {
    for (let i = 0; i < board.width; i++) {
      const s = board.at(i, j);
      if (s !== BLACK && s !== WHITE) continue;
      const cx = margin + i * cell;
      const cy = margin + j * cell;
      const fill = s === BLACK ? 20 : 240;
      for (let dy = -Math.ceil(radius); dy <= Math.ceil(radius); dy++) {
        for (let dx = -Math.ceil(radius); dx <= Math.ceil(radius); dx++) {
          const d = Math.sqrt(dx * dx + dy * dy);
          if (d > radius) continue;
          const edge = d > radius - 1.2 ? 0 : fill;
          const c = s === WHITE && d > radius - 1.2 ? 90 : edge;
          set(cx + dx, cy + dy, c, c, c);
        }
      }
    }
  }
  return { width: w, height: h, channels: 3, data };
}
