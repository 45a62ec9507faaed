/** Why a record is invalid, as one line naming each field (enrollment and the simulator alike). */
export function invalidReason(problems: { field: string; message: string }[]): string {
  return problems.map((p) => `${p.field} ${p.message}`).join('; ');
}
