"""The 公文's type sizes by their Chinese names (GB/T 9704-2012), for the Word report and its sections."""

ERHAO, SANHAO, SIHAO, XIAOSI, WUHAO = 22.0, 16.0, 14.0, 12.0, 10.5
