/**
 * The ten dashboards and seven reports of architecture §5: slugs and ids (contract), titles, and the
 * data domains they show. Panels and report layouts are defined beside them (dashboards/defs).
 */
import type { Domain } from '../warehouse/semantic/metrics';

export interface CatalogEntry {
  id: string;
  title: { de: string; en: string };
  domains: Domain[];
}

export const DASHBOARDS: readonly CatalogEntry[] = [
  { id: 'overview', title: { de: 'Lagebild', en: 'Situation overview' }, domains: ['asylum', 'integration'] },
  { id: 'applications', title: { de: 'Asylanträge', en: 'Asylum applications' }, domains: ['asylum'] },
  { id: 'decisions', title: { de: 'Entscheidungen', en: 'Decisions' }, domains: ['asylum'] },
  { id: 'pending', title: { de: 'Anhängige Verfahren', en: 'Pending cases' }, domains: ['asylum'] },
  { id: 'processing-times', title: { de: 'Verfahrensdauer', en: 'Processing times' }, domains: ['asylum'] },
  { id: 'offices', title: { de: 'Außenstellen', en: 'Offices' }, domains: ['asylum'] },
  { id: 'origins', title: { de: 'Herkunftsländer', en: 'Countries of origin' }, domains: ['asylum'] },
  { id: 'integration-courses', title: { de: 'Integrationskurse', en: 'Integration courses' }, domains: ['integration'] },
  { id: 'integration-outcomes', title: { de: 'Kurserfolg', en: 'Course outcomes' }, domains: ['integration'] },
  { id: 'vocational', title: { de: 'Berufssprachkurse', en: 'Vocational German courses' }, domains: ['vocational', 'integration'] },
];

export const REPORTS: readonly CatalogEntry[] = [
  { id: 'asylum-monthly', title: { de: 'Monatsbericht Asyl', en: 'Monthly asylum report' }, domains: ['asylum'] },
  { id: 'decisions-by-nationality', title: { de: 'Entscheidungen nach Staatsangehörigkeit', en: 'Decisions by nationality' }, domains: ['asylum'] },
  { id: 'office-performance', title: { de: 'Außenstellenbericht', en: 'Office performance' }, domains: ['asylum'] },
  { id: 'pending-ageing', title: { de: 'Altbestand', en: 'Ageing of pending cases' }, domains: ['asylum'] },
  { id: 'course-providers', title: { de: 'Kursträgerbericht', en: 'Course providers' }, domains: ['integration'] },
  { id: 'participants-by-state', title: { de: 'Teilnehmende nach Land', en: 'Participants by state' }, domains: ['integration'] },
  { id: 'vocational-billing', title: { de: 'Berufssprachkurse – Abrechnung', en: 'Vocational courses – billing' }, domains: ['vocational', 'integration'] },
];

export const EXPORT_FORMATS = ['csv', 'xlsx', 'pdf', 'parquet'] as const;
