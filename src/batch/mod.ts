// placeholder: filled by the batch work
export {};
