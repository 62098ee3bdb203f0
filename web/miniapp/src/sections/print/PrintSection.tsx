// The print studio's quote in the Mini App: the customer picks a model file (STL, OBJ or 3MF),
// the server measures it as the bot does and draws its preview, and the price follows the
// choice of technology, material, colour, infill and quantity (asked again shortly after each
// change, the last answer winning). The order itself is placed in the chat: the MainButton
// closes the app with the way there.

import { useEffect, useRef, useState, type ReactNode } from 'react';
import { api, ApiError } from '../../api.ts';
import { useMainButton } from '../../buttons.ts';
import { haptic, initData, WebApp } from '../../telegram.ts';
import type { SectionProps } from '../section.ts';
import type { Choice, Model, Options, QuoteAnswer } from './types.ts';

/** Waits this long after the last change before asking for a price. */
const QUOTE_DELAY_MS = 300;

/** Uploads a model file as multipart/form-data (the JSON client does not carry files). */
async function uploadModel(file: File): Promise<Model> {
  const data = new FormData();
  data.append('file', file, file.name);
  const response = await fetch('/api/miniapp/print/models', { method: 'POST', headers: { authorization: `tma ${initData()}` }, body: data });
  const json = (await response.json().catch(() => ({}))) as { model?: Model; error?: { code?: string; message?: string; details?: Record<string, unknown> } };
  if (!response.ok || !json.model) throw new ApiError(response.status, json.error?.code ?? 'miniapp.error', json.error?.message ?? response.statusText, json.error?.details);
  return json.model;
}

export function PrintSection(props: SectionProps): ReactNode {
  const { t } = props;
  const [options, setOptions] = useState<Options>();
  const [model, setModel] = useState<Model>();
  const [preview, setPreview] = useState<string>();
  const [choice, setChoice] = useState<Choice>();
  const [quote, setQuote] = useState<QuoteAnswer['quote']>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const asked = useRef(0);

  useEffect(() => {
    api<Options>('GET', '/print/options').then(
      (answer) => {
        setOptions(answer);
        const technology = answer.technologies[0];
        const material = technology?.materials[0];
        const colour = material?.colours[0];
        if (technology && material && colour) {
          setChoice({ technology: technology.id, material: material.id, colour: colour.id, infill: technology.default_infill_percent, quantity: answer.quantities[0] ?? 1 });
        }
      },
      (failure: unknown) => setError((failure as Error).message),
    );
  }, []);

  const technology = options?.technologies.find((item) => item.id === choice?.technology);
  const material = technology?.materials.find((item) => item.id === choice?.material);
  const colour = material?.colours.find((item) => item.id === choice?.colour);

  // The preview in the chosen colour, fetched with the launch data and shown from memory.
  useEffect(() => {
    if (!model) return;
    let url: string | undefined;
    let live = true;
    const hex = colour?.hex.replace('#', '');
    fetch(`${model.preview_url}${hex ? `?hex=${hex}` : ''}`, { headers: { authorization: `tma ${initData()}` } })
      .then((response) => (response.ok ? response.blob() : undefined))
      .then((blob) => {
        if (!blob || !live) return;
        url = URL.createObjectURL(blob);
        setPreview(url);
      })
      .catch(() => undefined);
    return () => {
      live = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [model, colour?.hex]);

  // The live price: asked shortly after the last change; an older answer never overwrites a newer one.
  useEffect(() => {
    if (!model || !choice) return;
    const ask = ++asked.current;
    const timer = setTimeout(() => {
      api<QuoteAnswer>('POST', '/print/quote', { model_id: model.id, technology: choice.technology, material: choice.material, colour: choice.colour, infill_percent: choice.infill, quantity: choice.quantity }).then(
        (answer) => {
          if (ask === asked.current) setQuote(answer.quote);
        },
        (failure: unknown) => {
          if (ask === asked.current) setError((failure as Error).message);
        },
      );
    }, QUOTE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [model, choice]);

  const onFile = (file: File | undefined) => {
    if (!file) return;
    setBusy(true);
    setError(undefined);
    setQuote(undefined);
    uploadModel(file).then(
      (uploaded) => {
        haptic.notify('success');
        setModel(uploaded);
        setBusy(false);
      },
      (failure: unknown) => {
        haptic.notify('error');
        const code = failure instanceof ApiError ? failure.code : '';
        setError(code === 'model.unsupported_format' ? t('print.wrong_type') : code === 'model.too_large' ? t('print.too_large', { mb: options?.max_file_mb ?? '' }) : (failure as Error).message);
        setBusy(false);
      },
    );
  };

  useMainButton(model ? t('print.continue') : undefined, () => {
    WebApp.showAlert(t('print.in_chat'), () => WebApp.close());
  });

  const update = (change: Partial<Choice>) => {
    haptic.select();
    setError(undefined);
    setChoice((current) => (current ? { ...current, ...change } : current));
  };
  const chip = (active: boolean) => `chip${active ? ' is-active' : ''}`;

  if (!options || !choice) return <main className="screen centered">{error ?? t('loading')}</main>;
  return (
    <main className="screen print">
      <h1>{t('print.title')}</h1>
      <label className="button wide print-upload">
        {busy ? t('print.uploading') : model ? t('print.another') : t('print.upload')}
        <input type="file" accept={options.formats.map((format) => `.${format}`).join(',')} hidden disabled={busy} onChange={(event) => onFile(event.target.files?.[0])} />
      </label>
      <p className="muted">{t('print.formats', { formats: options.formats.map((format) => format.toUpperCase()).join(', '), mb: options.max_file_mb })}</p>
      {error ? (
        <p className="notice" role="alert">
          {error}
        </p>
      ) : null}
      {model ? (
        <section>
          {preview ? <img className="print-preview" src={preview} alt={model.file_name} /> : <div className="print-preview photo-placeholder" />}
          <p>
            <strong>{model.file_name}</strong>
            <br />
            <small className="muted">{model.summary}</small>
          </p>
        </section>
      ) : null}
      {options.technologies.length > 1 ? (
        <section>
          <h2>{t('print.technology')}</h2>
          <div className="chips wrap">
            {options.technologies.map((item) => (
              <button key={item.id} type="button" className={chip(item.id === choice.technology)} aria-pressed={item.id === choice.technology} onClick={() => update({ technology: item.id, material: item.materials[0]?.id ?? '', colour: item.materials[0]?.colours[0]?.id ?? '', infill: item.default_infill_percent })}>
                {item.title}
              </button>
            ))}
          </div>
        </section>
      ) : null}
      <section>
        <h2>{t('print.material')}</h2>
        <div className="chips wrap">
          {technology?.materials.map((item) => (
            <button key={item.id} type="button" className={chip(item.id === choice.material)} aria-pressed={item.id === choice.material} onClick={() => update({ material: item.id, colour: item.colours.some((c) => c.id === choice.colour) ? choice.colour : (item.colours[0]?.id ?? '') })}>
              {item.title}
            </button>
          ))}
        </div>
      </section>
      <section>
        <h2>{t('print.colour')}</h2>
        <div className="chips wrap">
          {material?.colours.map((item) => (
            <button key={item.id} type="button" className={chip(item.id === choice.colour)} aria-pressed={item.id === choice.colour} onClick={() => update({ colour: item.id })}>
              <span className="swatch" style={{ background: item.hex }} /> {item.title}
            </button>
          ))}
        </div>
      </section>
      {technology && technology.infill_percents.length > 0 ? (
        <section>
          <h2>{t('print.infill')}</h2>
          <div className="chips wrap">
            {technology.infill_percents.map((percent) => (
              <button key={percent} type="button" className={chip(percent === choice.infill)} aria-pressed={percent === choice.infill} onClick={() => update({ infill: percent })}>
                {percent} %
              </button>
            ))}
          </div>
        </section>
      ) : null}
      <section>
        <h2>{t('print.quantity')}</h2>
        <div className="stepper">
          <button type="button" aria-label="−" disabled={choice.quantity <= 1} onClick={() => update({ quantity: Math.max(1, choice.quantity - 1) })}>
            −
          </button>
          <span aria-live="polite">{choice.quantity}</span>
          <button type="button" aria-label="+" disabled={choice.quantity >= options.max_quantity} onClick={() => update({ quantity: Math.min(options.max_quantity, choice.quantity + 1) })}>
            +
          </button>
        </div>
      </section>
      {model && quote ? (
        <section className="summary" aria-live="polite">
          <div className="total">
            <span>{t('print.unit')}</span>
            <span>{quote.formatted.unit}</span>
          </div>
          {quote.discountMinor > 0 ? (
            <div className="total">
              <span>{t('print.discount', { percent: quote.discountPercent })}</span>
              <span>−{quote.formatted.discount}</span>
            </div>
          ) : null}
          {quote.setupFeeMinor > 0 ? (
            <div className="total">
              <span>{t('print.setup_fee')}</span>
              <span>{quote.formatted.setup_fee}</span>
            </div>
          ) : null}
          {quote.minimumSurchargeMinor > 0 ? (
            <div className="total">
              <span>{t('print.minimum')}</span>
              <span>{quote.formatted.minimum_surcharge}</span>
            </div>
          ) : null}
          <div className="total">
            <strong>{t('print.total')}</strong>
            <strong>{quote.formatted.total}</strong>
          </div>
          {!quote.fitsBuildVolume ? <p className="notice">{t('print.too_big')}</p> : null}
          <p className="muted">{t('print.in_chat')}</p>
        </section>
      ) : null}
    </main>
  );
}
