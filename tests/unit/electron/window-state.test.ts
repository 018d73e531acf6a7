// The remembered window state: parsing a saved file (anything damaged gives the default)
// and fitting it to the displays of today.
import { describe, expect, it } from 'vitest';
import {
  captureWindowState,
  DEFAULT_WINDOW_STATE,
  fitToDisplays,
  MIN_HEIGHT,
  MIN_WIDTH,
  parseWindowState,
} from '../../../electron/main/window-state';

const fullHd = [{ x: 0, y: 0, width: 1920, height: 1040 }];

describe('parseWindowState', () => {
  it('reads a saved state', () => {
    const saved = captureWindowState({ x: 100.4, y: 50, width: 1200, height: 800 }, true);
    expect(parseWindowState(JSON.stringify(saved))).toEqual({
      bounds: { x: 100, y: 50, width: 1200, height: 800 },
      maximized: true,
    });
  });

  it.each([
    '',
    'not json',
    'null',
    '[]',
    '{"bounds":{"width":"wide","height":800}}',
    '{"bounds":{"width":-5,"height":800}}',
    '{"bounds":{"width":1e9,"height":800}}',
    '{"maximized":true}',
    '{"bounds":{"x":1.5,"y":0,"width":1000,"height":800}}',
  ])('gives the default for %j', (text) => {
    expect(parseWindowState(text)).toEqual(DEFAULT_WINDOW_STATE);
  });

  it('accepts a state without position or maximized flag', () => {
    expect(parseWindowState('{"bounds":{"width":1000,"height":700}}')).toEqual({
      bounds: { width: 1000, height: 700 },
      maximized: false,
    });
  });
});

describe('fitToDisplays', () => {
  it('keeps a visible window as it was', () => {
    const state = { bounds: { x: 10, y: 10, width: 1200, height: 800 }, maximized: false };
    expect(fitToDisplays(state, fullHd)).toEqual(state);
  });

  it('centers a window whose display is gone', () => {
    const state = { bounds: { x: 3000, y: 100, width: 1200, height: 800 }, maximized: true };
    expect(fitToDisplays(state, fullHd)).toEqual({
      bounds: { width: 1200, height: 800 },
      maximized: true,
    });
  });

  it('clamps sizes to the minimum and to the largest display', () => {
    expect(
      fitToDisplays({ bounds: { width: 10, height: 10 }, maximized: false }, fullHd).bounds,
    ).toEqual({
      width: MIN_WIDTH,
      height: MIN_HEIGHT,
    });
    expect(
      fitToDisplays({ bounds: { x: 0, y: 0, width: 5000, height: 4000 }, maximized: false }, fullHd)
        .bounds,
    ).toEqual({ x: 0, y: 0, width: 1920, height: 1040 });
  });

  it('keeps a window on a second display', () => {
    const two = [...fullHd, { x: 1920, y: 0, width: 2560, height: 1400 }];
    const state = { bounds: { x: 2000, y: 100, width: 1400, height: 900 }, maximized: false };
    expect(fitToDisplays(state, two)).toEqual(state);
  });
});
