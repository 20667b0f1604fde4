"""Write the notebooks from their cell sources (run: python notebooks/build.py).

Keeping the sources here makes the notebooks reviewable as code; CI executes the .ipynb files
(tests/test_notebooks.py), so a stale notebook fails CI.
"""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).parent

TOUR = [
    new_markdown_cell(
        "# A tour of shallowsym: equivalence, canonical forms, symmetries\n\n"
        "Exact answers for one-hidden-layer ReLU networks. The mathematics is in "
        "docs/theory.md; every verdict below is a theorem about the numbers given."
    ),
    new_code_cell(
        "%matplotlib inline\nimport matplotlib.pyplot as plt\n"
        "from shallowsym import ShallowNetwork, canonical_form, equivalent, symmetries\n"
        "from shallowsym import examples, plot"
    ),
    new_markdown_cell(
        "## Two networks, one function\nrelu(x - 1) + relu(3 - x) and "
        "relu(1 - x) + relu(x - 3) + 2 differ by a discrete flip, a hidden symmetry."
    ),
    new_code_cell(
        "a, b = examples.flip_pair()\nprint(equivalent(a, b))\n"
        "plot.plot_function(a); plt.title('relu(x - 1) + relu(3 - x)');"
    ),
    new_markdown_cell("## A near miss and its witness"),
    new_code_cell(
        "c, e = examples.near_miss()\nresult = equivalent(c, e)\nprint(result)\n"
        "assert c(result.witness) != e(result.witness)"
    ),
    new_markdown_cell(
        "## The canonical form and the bent hyperplanes in 2-D\n"
        "Solid lines are bent hyperplanes (thicker: larger kink); dashed lines "
        "carry cancelling groups, where the function does not bend."
    ),
    new_code_cell(
        "net = examples.two_dimensional()\nprint(canonical_form(net))\n"
        "plot.plot_hyperplanes(net, xlim=(-6, 4), ylim=(-4, 4));"
    ),
    new_markdown_cell("## The symmetry report"),
    new_code_cell("print(symmetries(net))"),
]

GLR = [
    new_markdown_cell(
        "# Functional dimension: the Grigsby-Lindsey-Rolnick experiment\n\n"
        "Share of random initialisations whose batch functional dimension (Jacobian "
        "rank on Gaussian points) reaches the bound P - (hidden neurons), at small "
        "sizes so the notebook runs in seconds; `benchmarks/glr_experiment.py` runs "
        "the full tables."
    ),
    new_code_cell(
        "%matplotlib inline\nimport numpy as np\nimport matplotlib.pyplot as plt\n"
        "from shallowsym import ShallowNetwork, deep, fast, functional_dimension\n"
        "TRIALS = 4\nrng = np.random.default_rng(0)"
    ),
    new_code_cell(
        "rows = []\nfor n in (3, 5):\n    for layers in (2, 3, 4):\n"
        "        arch = (n,) * layers + (1,)\n        bound = deep.parameter_bound(arch)\n"
        "        gaps = []\n        for _ in range(TRIALS):\n"
        "            W, b = deep.torch_default_init(arch, rng)\n"
        "            X = rng.standard_normal((2 * deep.num_parameters(arch), n))\n"
        "            gaps.append(bound - deep.batch_functional_dimension(W, b, X))\n"
        "        rows.append((n, layers, np.mean(np.array(gaps) == 0), np.mean(gaps)))\n"
        "for row in rows:\n    print('n0 = n = %d, %d weight layers: share at bound %.2f, mean gap %.2f' % row)"
    ),
    new_code_cell(
        "fig, ax = plt.subplots()\nfor n in (3, 5):\n"
        "    pts = [(layers, share) for m, layers, share, _ in rows if m == n]\n"
        "    ax.plot(*zip(*pts), 'o-', label=f'n = {n}')\n"
        "ax.set_xlabel('weight layers'); ax.set_ylabel('share reaching the bound'); ax.legend();"
    ),
    new_markdown_cell(
        "## Exact versus Gaussian batches for shallow (1, h, 1) networks\n"
        "A Gaussian batch can miss cells of the arrangement and underestimate; the "
        "exact structural algorithm cannot."
    ),
    new_code_cell(
        "results = []\nfor h in (4, 8, 16):\n    below = 0\n    for _ in range(TRIALS):\n"
        "        W, b = deep.torch_default_init((1, h, 1), rng)\n"
        "        net = ShallowNetwork(W[0], b[0], W[1], b[1])\n"
        "        exact = functional_dimension(net).dimension\n"
        "        X = rng.standard_normal((2 * net.num_parameters, 1))\n"
        "        below += fast.batch_functional_dimension(net, X) < exact\n"
        "    results.append((h, below / TRIALS))\n"
        "print(results)\nplt.bar([str(h) for h, _ in results], [r for _, r in results])\n"
        "plt.xlabel('h'); plt.ylabel('share where the Gaussian batch underestimates');"
    ),
]

FIBRE = [
    new_markdown_cell(
        "# The complete fibre of a small network\n\n"
        "Every stratum (combinatorial type) of the set of parameters of the same "
        "architecture that compute relu(-2x) + 2 relu(x + 5) - 2 relu(-x - 5) - 10, "
        "with its dimension and an exact representative."
    ),
    new_code_cell(
        "%matplotlib inline\nimport matplotlib.pyplot as plt\n"
        "from shallowsym import canonical_form, examples, fibre_types, plot, symmetries\n"
        "_, net = examples.cancelling_pair()\nprint(symmetries(net))"
    ),
    new_code_cell(
        "types = fibre_types(net)\nfor t in types:\n    print(t)\n"
        "    assert canonical_form(t.representative) == canonical_form(net)"
    ),
    new_code_cell(
        "fig, ax = plt.subplots(figsize=(8, 5))\nplot.plot_fibre_types(net, ax=ax)\n"
        "ax.set_title('strata of the fibre: blue bent, orange cancelling, grey zero-output, '\n"
        "             'green zero-input');"
    ),
]


def main() -> None:
    for name, cells in (("01_tour", TOUR), ("02_functional_dimension", GLR), ("03_fibre", FIBRE)):
        notebook = new_notebook(cells=cells)
        notebook.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        nbformat.write(notebook, HERE / f"{name}.ipynb")


if __name__ == "__main__":
    main()
