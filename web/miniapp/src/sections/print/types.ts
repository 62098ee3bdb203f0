// What the print routes of the Mini App's API answer.

export interface Colour {
  id: string;
  title: string;
  hex: string;
}

export interface Material {
  id: string;
  title: string;
  colours: Colour[];
}

export interface Technology {
  id: string;
  title: string;
  infill_percents: number[];
  default_infill_percent: number | null;
  materials: Material[];
}

/** GET /print/options. */
export interface Options {
  currency: string;
  formats: string[];
  max_file_mb: number;
  quantities: number[];
  max_quantity: number;
  technologies: Technology[];
}

/** A model the customer uploaded, measured. */
export interface Model {
  id: number;
  file_name: string;
  volume_cm3: number;
  size_mm: [number, number, number];
  is_closed: boolean;
  summary: string;
  preview_url: string;
}

/** What the customer has picked. */
export interface Choice {
  technology: string;
  material: string;
  colour: string;
  infill: number | null;
  quantity: number;
}

/** POST /print/quote: the bot's quote with its sums formatted in the user's language. */
export interface QuoteAnswer {
  quote: {
    totalMinor: number;
    discountPercent: number;
    discountMinor: number;
    setupFeeMinor: number;
    minimumSurchargeMinor: number;
    fitsBuildVolume: boolean;
    formatted: { unit: string; items: string; discount: string; setup_fee: string; minimum_surcharge: string; total: string };
  };
}
