import { z } from 'zod';

/** A `source_system` name: the stored rows', the checkpoint's key and the Kafka topic's middle (`ioc.dvc.records`). */
export const SourceSystem = z.string().regex(/^[a-z][a-z0-9_]{0,31}$/);
