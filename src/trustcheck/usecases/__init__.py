"""The use cases: what each command decides, as plain functions taking plain values and
returning records. The CLI parses options, calls one of these and renders what it gets back;
privacy rules live here, where no caller can skip them."""
