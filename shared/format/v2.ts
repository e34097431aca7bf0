/** The v2 layout (format version 2): v3's documents with version 2; v3 only added optional fields and entries. */
import { z } from 'zod';
import { projectSchema } from './schema';

export const v2ProjectSchema = projectSchema.extend({ formatVersion: z.literal(2) });
