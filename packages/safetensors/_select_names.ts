import { SafetensorsError } from "./safetensors_error.ts";
import type { SafetensorsTensorInfo } from "./safetensors_header.ts";

/** Which tensors to read: a list of names, or a test on each name. */
export type TensorSelection = readonly string[] | ((name: string) => boolean);

/**
 * The names of the selected tensors in file order, so that reads move forward through the file.
 * A listed name the file lacks is an error that says which names it does have.
 */
export function selectNames(
  tensors: Readonly<Record<string, SafetensorsTensorInfo>>,
  selection: TensorSelection | undefined,
  file: string,
): string[] {
  let names: string[];
  if (selection === undefined) {
    names = Object.keys(tensors);
  } else if (typeof selection === "function") {
    names = Object.keys(tensors).filter((name) => selection(name));
  } else {
    names = [...new Set(selection)];
    for (const name of names) {
      if (!Object.hasOwn(tensors, name)) throw notFound(name, Object.keys(tensors), file);
    }
  }
  return names.sort((a, b) => tensors[a]!.begin - tensors[b]!.begin || tensors[a]!.end - tensors[b]!.end);
}

/** The error for a tensor that is not there, listing a few that are. */
export function notFound(name: string, available: readonly string[], file: string): SafetensorsError {
  const sample = available.slice(0, 5).map((n) => JSON.stringify(n)).join(", ");
  const more = available.length > 5 ? `, … (${available.length} in all)` : "";
  return new SafetensorsError(
    "TENSOR_NOT_FOUND",
    available.length === 0 ? "no such tensor; the file holds no tensors." : `no such tensor; the file has ${sample}${more}.`,
    { file, tensor: name },
  );
}
