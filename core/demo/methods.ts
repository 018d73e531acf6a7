// API methods of the demo domain: a whole, realistic demo business in an empty store.
import { z } from 'zod';
import { method, type AnyMethod } from '../api/define';
import { today } from '../api/context';
import { AppError } from '../api/errors';
import { signedIn } from '../sync/device';
import { day } from '../shared/schemas';
import { requireSettings } from '../workspace/settings';
import { generateDemo } from './generator';

/** Orders and customers per scale. */
export const DEMO_SCALES = {
  small: { orders: 2_000, customers: 500 },
  medium: { orders: 100_000, customers: 20_000 },
  large: { orders: 1_000_000, customers: 200_000 },
} as const;

export const demoInput = z.object({
  seed: z.number().int('use a whole number').min(0).max(4_294_967_295).default(1),
  scale: z.enum(['small', 'medium', 'large']).default('small'),
  orders: z.number().int('use a whole number').min(1).max(5_000_000).optional(),
  customers: z.number().int('use a whole number').min(1).max(1_000_000).optional(),
  endDay: day.optional(),
});

export const demoMethods = {
  'demo.generate': method({
    summary:
      'Fill an empty store with a realistic demo business (two years of orders ending at endDay); same seed, same business.',
    mutates: true,
    input: demoInput,
    async run(ctx, input) {
      // Demo rows are never synced: on a signed-in device they would sit, made up and unseen by
      // the other devices, inside a real shared business.
      if (signedIn(ctx.sqlite))
        throw new AppError(
          'INVALID_STATE',
          'Demo data cannot be loaded on a device signed in to a sync server: it would mix ' +
            'made-up customers and orders into the shared business. Try the demo in a new, ' +
            'separate store that is not signed in.',
          { reason: 'demo-signed-in' },
        );
      await requireSettings(ctx.db);
      const scale = DEMO_SCALES[input.scale];
      return generateDemo(
        ctx.sqlite,
        {
          seed: input.seed,
          orders: input.orders ?? scale.orders,
          customers: input.customers ?? scale.customers,
          endDay: input.endDay ?? today(ctx),
        },
        { progress: ctx.progress, signal: ctx.signal },
      );
    },
  }),
} satisfies Record<string, AnyMethod>;
