import { z } from 'zod';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD');

export const CommuneSchema = z.object({
  code: z.string().regex(/^\d{5}$/, 'a commune code has 5 digits (QĐ 19/2025/QĐ-TTg)'),
  kind: z.enum(['xa', 'phuong', 'dac_khu']),
  name: z.string().min(1),
  /** The main pre-2025 district area, for orientation only. */
  formerArea: z.string().optional(),
  validFrom: isoDate,
  legalBasis: z.string().min(1),
});

export const AgencySchema = z.object({
  code: z.string().regex(/^[A-Z0-9-]{2,24}$/, 'an agency code is 2–24 upper-case letters, digits or dashes'),
  kind: z.enum(['department', 'commune_committee']),
  name: z.string().min(1),
  shortName: z.string().min(1),
  nameEn: z.string().min(1),
  /** The administrative unit the agency belongs to: the province code or a commune code. */
  unitCode: z.string().min(2),
});

export const CatalogueSchema = z
  .object({
    schemaVersion: z.literal(1),
    province: z.object({
      code: z.string().regex(/^\d{2}$/, 'a province code has 2 digits'),
      name: z.string().min(1),
      nameEn: z.string().min(1),
      validFrom: isoDate,
      legalBasis: z.string().min(1),
      timeZone: z.string().min(1),
      population: z.number().int().positive(),
    }),
    communes: z.array(CommuneSchema).min(1),
    agencies: z.array(AgencySchema).min(1),
  })
  .superRefine((cat, ctx) => {
    const unitCodes = new Set([cat.province.code, ...cat.communes.map((c) => c.code)]);
    const seen = new Set<string>();
    cat.agencies.forEach((a, i) => {
      if (seen.has(a.code)) ctx.addIssue({ code: 'custom', path: ['agencies', i, 'code'], message: `duplicate agency code ${a.code}` });
      seen.add(a.code);
      if (!unitCodes.has(a.unitCode))
        ctx.addIssue({ code: 'custom', path: ['agencies', i, 'unitCode'], message: `unknown unit ${a.unitCode}` });
    });
    const communeCodes = new Set<string>();
    cat.communes.forEach((c, i) => {
      if (communeCodes.has(c.code))
        ctx.addIssue({ code: 'custom', path: ['communes', i, 'code'], message: `duplicate commune code ${c.code}` });
      communeCodes.add(c.code);
    });
  });

export type Commune = z.infer<typeof CommuneSchema>;
export type Agency = z.infer<typeof AgencySchema>;
export type Catalogue = z.infer<typeof CatalogueSchema>;
