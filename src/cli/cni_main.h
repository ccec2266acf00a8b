/* SPDX-License-Identifier: MIT */
#ifndef HK_CLI_CNI_MAIN_H
#define HK_CLI_CNI_MAIN_H

/* The CNI plugin's main, when hako is invoked as hako-cni (main.c). */
int cni_main(int argc, char **argv);

#endif
