import type { ComponentChildren } from 'preact'
import { useId } from 'preact/hooks'
import { label as enumLabel, t } from '../i18n/i18n.js'

interface Common {
  label: string
  name: string
  required?: boolean
  hint?: string
}

/** Every input has a visible label tied to it; a hint is announced with the field. */
function Wrap(props: Common & { id: string; children: ComponentChildren }) {
  return (
    <div class="field">
      <label for={props.id}>
        {props.label}
        {props.required ? null : <span class="muted"> {t('common.optional')}</span>}
      </label>
      {props.children}
      {props.hint ? (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      ) : null}
    </div>
  )
}

export function TextField(
  props: Common & {
    type?: 'text' | 'password' | 'date' | 'datetime-local' | 'url' | 'search'
    value?: string
    autocomplete?: string
    pattern?: string
    inputMode?: string
  },
) {
  const id = useId()
  return (
    <Wrap {...props} id={id}>
      <input
        id={id}
        name={props.name}
        // Preact's types split inputs by type into a union that a variable type cannot satisfy
        type={(props.type ?? 'text') as 'text'}
        required={props.required}
        defaultValue={props.value}
        autocomplete={props.autocomplete}
        pattern={props.pattern}
        step={props.type === 'datetime-local' ? 1 : undefined}
        inputMode={props.inputMode as 'decimal' | undefined}
        aria-describedby={props.hint ? `${id}-hint` : undefined}
      />
    </Wrap>
  )
}

export function TextArea(props: Common & { value?: string; rows?: number }) {
  const id = useId()
  return (
    <Wrap {...props} id={id}>
      <textarea
        id={id}
        name={props.name}
        required={props.required}
        rows={props.rows ?? 3}
        defaultValue={props.value}
        aria-describedby={props.hint ? `${id}-hint` : undefined}
      />
    </Wrap>
  )
}

/** A select over an enum, its options labelled in the console's language. */
export function EnumSelect(
  props: Common & { group: string; values: readonly string[]; value?: string; allowAll?: boolean },
) {
  const id = useId()
  return (
    <Wrap {...props} id={id}>
      <select id={id} name={props.name} required={props.required} defaultValue={props.value}>
        {props.allowAll ? <option value="">{t('common.all')}</option> : null}
        {props.values.map((v) => (
          <option key={v} value={v}>
            {enumLabel(props.group, v)}
          </option>
        ))}
      </select>
    </Wrap>
  )
}

export function Select(
  props: Common & { options: { value: string; label: string }[]; value?: string; placeholder?: string },
) {
  const id = useId()
  return (
    <Wrap {...props} id={id}>
      <select id={id} name={props.name} required={props.required} defaultValue={props.value ?? ''}>
        {props.placeholder !== undefined ? <option value="">{props.placeholder}</option> : null}
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Wrap>
  )
}

export function Checkbox(props: { label: string; name: string; checked?: boolean }) {
  const id = useId()
  return (
    <div class="field field-check">
      <input id={id} type="checkbox" name={props.name} defaultChecked={props.checked} />
      <label for={id}>{props.label}</label>
    </div>
  )
}

export function FileField(props: Common & { accept?: string }) {
  const id = useId()
  return (
    <Wrap {...props} id={id}>
      <input id={id} type="file" name={props.name} required={props.required} accept={props.accept} />
    </Wrap>
  )
}
