// scatter(ds/2) in place (src/deterministic/README.md, "scatter"; the
// convolution is convolve.wgsl's): the step's first scatter where no
// earlier kernel did it (the first step; streamZ scatters for the next step
// after that), and both scatters in the single-operator tests.

/** Before the energy loss the window's energies are [eLo, eHi), after it [eLoAfter, eHi). */
override AFTER_LOSS: bool = false;

@group(0) @binding(1) var<storage, read_write> psi: array<f32>;
@group(0) @binding(2) var<storage, read> tablesF: array<f32>;
@group(0) @binding(3) var<storage, read> tablesI: array<i32>;
@group(0) @binding(4) var<storage, read> control: ControlWindow;

@compute @workgroup_size(WG)
fn scatter(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>,
           @builtin(num_workgroups) groups: vec3<u32>) {
  let w = uniformWindow(lid, control.window);
  let eFirst = select(w.eLo, w.eLoAfter, AFTER_LOSS);
  let count = (w.eHi - eFirst) * (w.zHi - w.zLo) * NX;
  let r = lid / NT;
  let t = lid % NT;
  for (var block = workgroupIndex(wid, groups); block * BLOCK < count; block += groups.x * groups.y) {
    var rows: array<u32, UNROLL>;
    var values: array<f32, UNROLL>;
    for (var u = 0u; u < UNROLL; u++) {
      rows[u] = windowSlot(block * BLOCK + u * ROWS + r, eFirst, w.zHi, w);
      if (rows[u] != NO_ROW) { values[u] = psi[rows[u] * NT + t]; }
    }
    scatterBlock(lid, rows, &values);
    for (var u = 0u; u < UNROLL; u++) {
      if (rows[u] != NO_ROW) { psi[rows[u] * NT + t] = values[u]; }
    }
  }
}
