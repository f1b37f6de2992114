/** All models, in dependency order. */
import dimCode from './marts/dim-code';
import dimDate from './marts/dim-date';
import dimNationality from './marts/dim-nationality';
import dimOffice from './marts/dim-office';
import dimProvider from './marts/dim-provider';
import dimState from './marts/dim-state';
import factApplication from './marts/fact-application';
import factCourse from './marts/fact-course';
import factDecision from './marts/fact-decision';
import factEnrolment from './marts/fact-enrolment';
import factExam from './marts/fact-exam';
import factHearing from './marts/fact-hearing';
import factInvoice from './marts/fact-invoice';
import factParticipant from './marts/fact-participant';
import factVocCourse from './marts/fact-voc-course';
import factVocEnrolment from './marts/fact-voc-enrolment';
import factVocEntitlement from './marts/fact-voc-entitlement';
import type { Model } from './model';
import { ROLLUPS } from './rollups';

/** Dimensions from the code lists; built first, because quarantine checks codes against them. */
export const CODELIST_MODELS: readonly Model[] = [dimState, dimNationality, dimCode];

/** Everything built from the clean source rows, in dependency order. */
export const MODELS: readonly Model[] = [
  dimOffice,
  dimProvider,
  factApplication,
  factHearing,
  factDecision,
  factCourse,
  factParticipant,
  factEnrolment,
  factExam,
  factInvoice,
  factVocEntitlement,
  factVocCourse,
  factVocEnrolment,
  dimDate,
  ...ROLLUPS,
];

export const ALL_MODELS: readonly Model[] = [...CODELIST_MODELS, ...MODELS];
