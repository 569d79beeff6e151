// Loaded once per V8 context by the worker (the bundle's preloadModules) and shared by every
// workflow in that context. Without it the SDK's reusable context gives each workflow its own
// module cache, so zod (imported by the draft validation the agreement workflow runs) was
// evaluated again for every workflow the worker loaded: measured as most of the CPU of a new
// workflow and about 1 MB of memory per cached one. The SDK deep-freezes what is loaded here, so
// only stateless libraries belong here, never workflow code.
import { z } from 'zod';

// zod declares itself free of side effects, so a bare import would be dropped by the bundler; and it
// sets two globals lazily (its default locale and memoizer), which must happen before the SDK
// freezes them: one valid and one invalid parse through an object and a tuple does both.
const probe = z.object({ a: z.tuple([z.string()]), b: z.number().min(0).optional() });
probe.safeParse({ a: ['x'] });
probe.safeParse({ a: [1], b: -1 }).error?.issues.map((i) => i.message);
