// The main window's bounds and maximized state, remembered between launches in
// userData/window-state.json. A damaged file or a display that is gone gives a sane window.
import { z } from 'zod';
import { parseJson } from './json-file';

export const MIN_WIDTH = 960;
export const MIN_HEIGHT = 600;
export const DEFAULT_WIDTH = 1280;
export const DEFAULT_HEIGHT = 800;

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  bounds: { x?: number; y?: number; width: number; height: number };
  maximized: boolean;
}

const coordinate = z.number().int().min(-100_000).max(100_000);
const size = z.number().int().min(1).max(100_000);

const stateSchema = z.object({
  bounds: z.object({
    x: coordinate.optional(),
    y: coordinate.optional(),
    width: size,
    height: size,
  }),
  maximized: z.boolean().default(false),
});

export const DEFAULT_WINDOW_STATE: WindowState = {
  bounds: { width: DEFAULT_WIDTH, height: DEFAULT_HEIGHT },
  maximized: false,
};

/** Parses the saved file; anything unreadable gives the default state. */
export function parseWindowState(text: string): WindowState {
  return parseJson(text, stateSchema, DEFAULT_WINDOW_STATE);
}

function overlap(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/**
 * Fits a saved state to today's displays (work areas): sizes clamped to the minimum and to
 * the largest display; a position that is no longer mostly visible is dropped (centered).
 */
export function fitToDisplays(state: WindowState, workAreas: readonly Rect[]): WindowState {
  const maxW = Math.max(MIN_WIDTH, ...workAreas.map((a) => a.width));
  const maxH = Math.max(MIN_HEIGHT, ...workAreas.map((a) => a.height));
  const width = Math.min(Math.max(state.bounds.width, MIN_WIDTH), maxW);
  const height = Math.min(Math.max(state.bounds.height, MIN_HEIGHT), maxH);
  const { x, y } = state.bounds;
  if (x === undefined || y === undefined)
    return { bounds: { width, height }, maximized: state.maximized };
  const rect = { x, y, width, height };
  // Keep the position only if at least half the window lands on one display.
  const visible = workAreas.some((area) => overlap(rect, area) >= (width * height) / 2);
  return visible
    ? { bounds: rect, maximized: state.maximized }
    : { bounds: { width, height }, maximized: state.maximized };
}

/** What to save from a window: its normal (unmaximized) bounds and whether it is maximized. */
export function captureWindowState(normalBounds: Rect, maximized: boolean): WindowState {
  const round = (n: number) => Math.round(n);
  return {
    bounds: {
      x: round(normalBounds.x),
      y: round(normalBounds.y),
      width: round(normalBounds.width),
      height: round(normalBounds.height),
    },
    maximized,
  };
}
