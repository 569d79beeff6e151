// Public API of documents: the PK's PDF.
export { renderAgreementPdf, documentIdOf } from './render';
export { SIGNATURE_FIELD_NAMES, budgetLinesFor, type AgreementPdfInput, type PartyInput, type Party } from './agreement-input';
export { agreementInputFromImport } from './sample-input';
