// Small shared pieces: error and notice lines, a labelled field, a confirmation dialog, a "not available" box.
import { useEffect, useId, useRef } from 'react';
import type { ReactNode } from 'react';

export function ErrorText({ text, id }: { text: string; id?: string }) {
  if (!text) return null;
  return <p className="error" role="alert" id={id}>{text}</p>;
}

export function Notice({ text }: { text: string }) {
  if (!text) return null;
  return <p className="notice" role="status">{text}</p>;
}

/** A labelled input; `error` is shown under it and tied to it with aria-describedby. */
export function Field(props: {
  label: string; value: string; onChange: (v: string) => void; error?: string; type?: string; name?: string;
  autoComplete?: string; required?: boolean; placeholder?: string; hint?: string; multiline?: boolean; list?: string;
  disabled?: boolean; inputMode?: 'numeric' | 'text';
}) {
  const id = useId();
  const errId = `${id}-err`;
  const hintId = `${id}-hint`;
  const described = [props.error ? errId : '', props.hint ? hintId : ''].filter(Boolean).join(' ') || undefined;
  const common = {
    id, name: props.name, value: props.value, required: props.required, placeholder: props.placeholder,
    disabled: props.disabled, 'aria-invalid': props.error ? true : undefined, 'aria-describedby': described,
  };
  return (
    <div className={`field${props.error ? ' invalid' : ''}`}>
      <label htmlFor={id}>{props.label}</label>
      {props.multiline
        ? <textarea {...common} rows={6} spellCheck={false} onChange={(e) => props.onChange(e.target.value)} />
        : <input {...common} type={props.type ?? 'text'} autoComplete={props.autoComplete} list={props.list}
            inputMode={props.inputMode} onChange={(e) => props.onChange(e.target.value)} />}
      {props.hint && <small id={hintId} className="hint">{props.hint}</small>}
      {props.error && <small id={errId} className="field-error" role="alert">{props.error}</small>}
    </div>
  );
}

/** A modal confirmation (native <dialog>: focus trapped, Escape cancels). */
export function Confirm(props: { title: string; children: ReactNode; confirm: string; danger?: boolean;
  onConfirm: () => void; onCancel: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => { if (opener?.isConnected) opener.focus(); }; // focus goes back where it was
  }, []);
  return (
    <dialog ref={ref} aria-labelledby="confirm-title" onCancel={(e) => { e.preventDefault(); props.onCancel(); }}>
      <h2 id="confirm-title">{props.title}</h2>
      <div>{props.children}</div>
      <div className="actions">
        <button type="button" onClick={props.onCancel}>Cancel</button>
        <button type="button" className={props.danger ? 'danger' : 'primary'} onClick={props.onConfirm}>{props.confirm}</button>
      </div>
    </dialog>
  );
}

export function NotAvailable({ what }: { what: string }) {
  return <p className="unavailable" role="note">{what} is not available on this server yet.</p>;
}

export function when(ms: number): string {
  return new Date(ms).toLocaleString();
}
