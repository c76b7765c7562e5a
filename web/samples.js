// Playground examples. To add one: append an object here (id: short, URL-safe and unique; title:
// what the picker shows; code: the Python). `make js` rebuilds the bundle. Examples run in a fresh
// namespace each time, so each must be self-contained.
export const SAMPLES = [
  {
    id: "loopback",
    title: "Start the loopback miniport",
    code: `# Load the sample CoNDIS miniport and start its adapter, then read the trace:
# every call between NDIS and the driver, in order.
from condis_edu import Machine
from condis_edu.samples import loopback_miniport

m = Machine()
m.load_driver(loopback_miniport)
nic = m.start_adapter("loopback_miniport")
print(nic.name, nic.state.name)
m.trace
`,
  },
  {
    id: "bind-all",
    title: "Client and call manager bind to the miniport",
    code: `# Three drivers: a miniport, a call manager and a client.
# Binding them runs the protocol handlers; the sequence diagram shows who called whom.
from condis_edu import Machine
from condis_edu.samples import call_manager, client, loopback_miniport

m = Machine()
for driver in (loopback_miniport, call_manager, client):
    m.load_driver(driver)
m.start_adapter("loopback_miniport")
for binding in m.bind_all():
    print(binding)
m.trace.sequence()
`,
  },
  {
    id: "stop",
    title: "Stop a loop that never ends",
    code: `# This loop never ends. Press Stop (or Esc, then Stop): the cell ends within a second.
count = 0
while True:
    count += 1
`,
  },
  {
    id: "blank",
    title: "Empty page",
    code: `from condis_edu import Machine

m = Machine()
`,
  },
];
