# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Registering a CoNDIS miniport
#
# Placeholder while the engine lands.

# %%
import condis_edu
print(condis_edu.__name__)

# %%
1 + 1
