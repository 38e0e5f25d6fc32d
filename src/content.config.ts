import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { z } from 'astro/zod';

/** Campaign documents, summarised in our own words, with 政务公开 metadata. */
const policies = defineCollection({
  loader: glob({ pattern: '**/*.md', base: './src/content/policies' }),
  schema: z.object({
    /** The document's own title. */
    title: z.string(),
    /** 发文机关 */
    issuer: z.string(),
    /** 发文字号, absent for documents issued without one. */
    docNumber: z.string().optional(),
    /** 成文日期 */
    writtenDate: z.coerce.date(),
    /** True when the document carries no date and writtenDate is inferred from its text. */
    dateApproximate: z.boolean().default(false),
    /** 发布日期 on this portal */
    publishedDate: z.coerce.date(),
    /** 主题分类 */
    topic: z.string(),
    /** 适用地区 */
    region: z.string(),
    /** Where the issuing office published the original, where known (none is invented). */
    sourceUrl: z.url({ protocol: /^https?$/ }).optional(),
    /** Source file number in shared/seeds. */
    seed: z.string(),
    summary: z.string().max(120),
  }),
});

/** Plain-language law publicity, citing article numbers. */
const law = defineCollection({
  loader: glob({ pattern: '**/*.md', base: './src/content/law' }),
  schema: z.object({
    title: z.string(),
    /** The law or document explained, with its version. */
    source: z.string(),
    issuedBy: z.string(),
    articles: z.array(z.string()).default([]),
    order: z.number().int(),
    summary: z.string().max(120),
  }),
});

export const collections = { policies, law };
