/**
 * Compiler diagnostics: every error the compiler reports carries a stable code (documented in the
 * README), where it happened (file, node name and op) and a hint saying what to do. The CLI prints
 * them and exits non-zero; the API throws them as `CompileError`.
 */

export const codes = {
  modelUnreadable: 'NNCC100',
  modelCorrupt: 'NNCC101',
  unsupportedOpset: 'NNCC102',
  externalData: 'NNCC103',
  unsupportedOperator: 'NNCC110',
  invalidNode: 'NNCC111',
  unsupportedDType: 'NNCC112',
  unsupportedFeature: 'NNCC113',
  dynamicDimension: 'NNCC120',
  paddingNotMasked: 'NNCC121',
  graphStructure: 'NNCC130',
  badInputFile: 'NNCC140',
  badOption: 'NNCC150',
  bundleWrite: 'NNCC160',
  badProfile: 'NNCC170',
  measureFailed: 'NNCC171',
  internal: 'NNCC190',
} as const;

export type DiagnosticCode = (typeof codes)[keyof typeof codes];

export interface DiagnosticLocation {
  file?: string;
  node?: string;
  op?: string;
}

export class CompileError extends Error {
  constructor(
    readonly code: DiagnosticCode,
    readonly detail: string,
    readonly where: DiagnosticLocation = {},
    readonly hint?: string,
  ) {
    super(formatDiagnostic(code, detail, where, hint));
    this.name = 'CompileError';
  }

  toJSON(): object {
    return { code: this.code, message: this.detail, ...this.where, ...(this.hint ? { hint: this.hint } : {}) };
  }
}

function formatDiagnostic(code: string, detail: string, where: DiagnosticLocation, hint?: string): string {
  const place = [
    where.file,
    where.node !== undefined ? `node '${where.node}'${where.op ? ` (${where.op})` : ''}` : where.op,
  ].filter(Boolean).join(', ');
  return `${code}${place ? ` ${place}` : ''}: ${detail}${hint ? `\n  hint: ${hint}` : ''}`;
}
