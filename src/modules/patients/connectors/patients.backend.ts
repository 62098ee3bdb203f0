/**
 * Where a clinic keeps its patients. Lavka's own table always holds the patient (the bot,
 * the panel and the other modules read it); a clinic with an ERP keeps them there too, and
 * the ERP's answer comes first: a patient the ERP did not accept is not registered.
 */

/** A patient's details, validated, as the clinic's records take them. */
export interface PatientDetails {
  fullName: string;
  phone: string;
  /** `YYYY-MM-DD`. */
  birthDate: string;
  iin: string;
  sex: 'male' | 'female';
}

/** The clinic's record of patients, beside Lavka's table. */
export interface PatientsBackend {
  /** Whether the clinic accepts this IIN; `reason` in the clinic's words when not. */
  verifyIin(iin: string): Promise<{ valid: boolean; reason?: string }>;
  /** Creates or updates the patient (by their Telegram id); returns their id in the clinic's records. */
  save(userId: number, patient: PatientDetails): Promise<{ externalId: string | null }>;
  /**
   * The clinic's record of a Telegram user it knows already (registered at the front desk
   * with their Telegram), so they need not register again; undefined when it has none.
   */
  find(userId: number): Promise<(Omit<PatientDetails, 'sex'> & { externalId: string }) | undefined>;
}

/** Lavka keeping the patients alone: its own rules are the only check, and there is no other id. */
export const localPatientsBackend: PatientsBackend = {
  verifyIin: async () => ({ valid: true }),
  save: async () => ({ externalId: null }),
  find: async () => undefined,
};
