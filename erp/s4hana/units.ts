import { ErpRejected } from '../../contracts/erp-port.js';

/** One MES unit as SAP knows it: its ISO code, and its commercial code in the session's pinned language. */
export interface SapUnit {
  iso: string;
  commercial: string;
}

/**
 * The plant file's unit mapping (`erpUnits`: MES unit -> SAP ISO and commercial code) at the SAP boundary. Where an
 * entity has an ISO unit property (ConfirmationUnitISOCode on ProdnOrdConf2, EntryUnitISOCode on
 * A_MaterialDocumentItem; BaseUnitISOCode and ProductionUnitISOCode on the production order API) the ISO code
 * travels, the same in every logon language; where it has only the commercial code (NotificationQuantityUnit), the
 * commercial code of the pinned language travels (SapConnection.language). Without an entry a unit is sent as it is:
 * the plant's units are then taken to be SAP's commercial codes in the pinned language, as before the mapping.
 */
export class SapUnits {
  private readonly byIso = new Map<string, string>();
  private readonly byCommercial = new Map<string, string>();

  constructor(private readonly map: Record<string, SapUnit> = {}) {
    for (const [mes, u] of Object.entries(map)) {
      this.byIso.set(u.iso, mes);
      this.byCommercial.set(u.commercial, mes);
    }
  }

  /** The ISO code of a MES unit; undefined when the plant file maps none. */
  iso(mes: string): string | undefined {
    return this.map[mes]?.iso;
  }

  /** The commercial code (pinned language) of a MES unit; the unit itself when unmapped. */
  commercial(mes: string): string {
    return this.map[mes]?.commercial ?? mes;
  }

  /**
   * A unit SAP sent back as the MES names it: by its ISO code when SAP sent one and the mapping knows it, else by its
   * commercial code. With a mapping, a unit it does not know is refused (`ErpRejected`, naming the field and the
   * codes): quantities in an unknown unit must not be counted as if they were the MES's.
   */
  fromSap(field: string, commercial: string, iso?: string): string {
    const mes = (iso ? this.byIso.get(iso) : undefined) ?? this.byCommercial.get(commercial);
    if (mes) return mes;
    if (Object.keys(this.map).length === 0) return commercial;
    throw new ErpRejected(`SAP ${field}: unit ${commercial}${iso ? ` (ISO ${iso})` : ''} is not in the plant file's erpUnits`);
  }
}
